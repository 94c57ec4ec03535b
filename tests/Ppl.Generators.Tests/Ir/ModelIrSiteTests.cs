using Microsoft.CodeAnalysis;
using Ppl.Generators.Ir;
using Xunit;

namespace Ppl.Generators.Tests.Ir;

/// <summary>The effect sites of the IR: found once, with their kind, arguments, sources and the conditions and loops around them.</summary>
public class ModelIrSiteTests
{
    [Fact]
    public void SitesCarryTheirKindArgumentsAndEnclosingConditionsAndLoops()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            if (x > 0) Observe(Normal(a, 1), 1.0, "o");
            for (int i = 0; i < 3; i++)
            {
                var b = Sample(Normal(a, 1), "b", i);
            }
            return a;
            """);
        Assert.Equal(3, ir.Sites.Count);
        var a = ir.Site("a");
        var o = ir.Site("o");
        var b = ir.Site("b");
        Assert.Equal(SiteKind.Sample, a.Kind);
        Assert.Equal(SiteKind.Observe, o.Kind);
        Assert.Empty(a.Enclosing);
        Assert.Equal(ControlKind.Branch, Assert.Single(o.Enclosing).Kind);
        Assert.Equal(ControlKind.Loop, Assert.Single(b.Enclosing).Kind);
        // The distribution is argument 0 and the observed value argument 1, as operations of the tree.
        Assert.Equal("Normal(a, 1)", o.Arguments[0].Syntax.ToString());
        Assert.Equal("1.0", o.Arguments[1].Syntax.ToString());
        Assert.NotNull(o.Operation);
        // Each site is a source of its own, numbered by its index; the parameters follow.
        Assert.Equal(IrSourceKind.Site, ir.Sources[a.Index].Kind);
        Assert.Same(a, ir.Sources[a.Index].Site);
        Assert.Equal("x", ir.Sources[ir.Sites.Count].Parameter!.Name);
    }

    [Fact]
    public void ASiteDependsOnItsArgumentsAndItsConditionsButNotOnWhatItDoesNotRead()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            var b = Sample(Normal(0, 1));
            var m = a * 2;
            if (b > 0) Observe(Normal(m, 1), x, "o");
            var c = Sample(Normal(0, 1));
            return c;
            """);
        var o = ir.Site("o").Dependencies!;
        Assert.True(o.Contains(ir.Site("a").Index)); // through m, by data
        Assert.True(o.Contains(ir.Site("b").Index)); // the enclosing condition
        Assert.True(o.Contains(ir.Sites.Count)); // the observed value is the argument x
        Assert.False(o.Contains(ir.Site("c").Index));
        Assert.False(o.Top);
    }

    [Fact]
    public void ASiteTheWalkNeverReachesHasNoDependencies()
    {
        // A site inside a lambda runs whenever the lambda does: the IR has it, but cannot vouch for it.
        var (ir, _) = IrHarness.Build("""
            Func<double> f = () => Sample(Normal(0, 1), "inner");
            return f();
            """);
        var inner = ir.Site("inner");
        Assert.Null(inner.Operation);
        Assert.Null(inner.Dependencies);
    }

    [Fact]
    public void DeterministicValuesAreSourcesOfTheirOwn()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            var d = Deterministic(a * 2, "d");
            return d;
            """);
        var source = Assert.Single(ir.Sources, s => s.Kind == IrSourceKind.Deterministic);
        Assert.True(ir.Variable("d").Value.Reaches(s => s == source.Id, FlowPath.Value));
        Assert.True(ir.Reaches("a", "d", FlowPath.Value));
    }
}
