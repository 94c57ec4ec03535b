using Ppl.Generators.Ir;
using Xunit;

namespace Ppl.Generators.Tests.Ir;

/// <summary>
/// The IR's one data-flow fixed point and the paths it labels: by value (what the differentiable form follows),
/// derived (what the batched form's taint follows: branches on random values, comparisons, indices) and conservative
/// (what only the sound dependency table follows: loop conditions, the heap, lengths, locals declared inside a branch).
/// </summary>
public class ModelIrDependencyTests
{
    private const FlowPath Taint = FlowPath.Derived;

    [Fact]
    public void DataFlowsThroughArithmeticByValue()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            var m = a * 2 + x;
            var e = Math.Exp(m);
            return e;
            """);
        Assert.True(ir.Reaches("a", "m", FlowPath.Value));
        Assert.True(ir.Reaches("a", "e", FlowPath.Value));
        Assert.False(ir.Variable("e").Value.Top); // Math is white-listed
        Assert.True(ir.Variable("m").Value.Reaches(s => ir.Sources[s].Kind == IrSourceKind.Parameter, FlowPath.Value));
    }

    [Fact]
    public void AComparisonOrACastToAnIntegerDerivesAnotherKindOfValue()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            bool up = a > 0;
            int k = (int)a;
            int s = Math.Sign(a);
            return k + s + (up ? 1 : 0);
            """);
        foreach (var v in new[] { "up", "k", "s" })
        {
            Assert.False(ir.Reaches("a", v, FlowPath.Value));
            Assert.True(ir.Reaches("a", v, Taint));
        }
    }

    [Fact]
    public void ABranchOnDataIsNoDependenceOnAChoice()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            double y = 0;
            if (x > 0) y = 1;
            return y + a;
            """);
        Assert.False(ir.DependsAtAll("a", "y"));
        Assert.True(ir.Variable("y").Value.Reaches(s => ir.Sources[s].Kind == IrSourceKind.Parameter, Taint));
    }

    [Fact]
    public void ABranchOnARandomValueDecidesOuterLocalsButNotTheOnesDeclaredInside()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            double y = 0;
            double w = 0;
            if (a > 0)
            {
                y = 1;
                double z = 2;
                w = z;
            }
            var t = a > 1 ? 3.0 : 4.0;
            return y + w + t;
            """);
        // The outer local holds 1 or 0 depending on the branch: the batched form makes it a select.
        Assert.True(ir.Reaches("a", "y", Taint));
        Assert.False(ir.Reaches("a", "y", FlowPath.Value));
        // A local declared inside the branch is fresh each time it runs: only the sound table counts the condition.
        Assert.False(ir.Reaches("a", "z", Taint));
        Assert.True(ir.DependsAtAll("a", "z"));
        Assert.True(ir.Reaches("a", "w", Taint));
        // A conditional expression's condition picks its value.
        Assert.True(ir.Reaches("a", "t", Taint));
        Assert.False(ir.Reaches("a", "t", FlowPath.Value));
    }

    [Fact]
    public void ALoopConditionOnARandomValueIsOnlyAConservativeDependence()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            double s = 0;
            int n = 0;
            while (s < a) { s += 1; n++; }
            return n;
            """);
        Assert.False(ir.Reaches("a", "n", Taint));
        Assert.True(ir.DependsAtAll("a", "n"));
    }

    [Fact]
    public void ArrayElementsAreTrackedPerLocalAndThroughTheHeap()
    {
        var (ir, _) = IrHarness.Build("""
            var mu = new double[3];
            for (int i = 0; i < 3; i++) mu[i] = Sample(Normal(0, 1), "mu", i);
            var data = new double[3];
            var a = Sample(Normal(0, 1));
            data[(int)a] = 1.0;
            double m0 = mu[0];
            int n = mu.Length;
            return m0 + n + data[0];
            """);
        var mu = ir.Site("mu").Index;
        Assert.True(ir.Variable("mu").Contents.Reaches(s => s == mu, FlowPath.Value));
        Assert.True(ir.Reaches("mu", "m0", FlowPath.Value));
        Assert.True(ir.Heap.Contains(mu));
        // The length of an array of random values is not random.
        Assert.False(ir.Reaches("mu", "n", Taint));
        Assert.True(ir.DependsAtAll("mu", "n")); // (the heap is one pseudo-variable for the sound table)
        // A random index decides where a constant goes: the elements are not random values for the lowerings.
        Assert.False(ir.Reaches("a", "data", Taint));
        Assert.True(ir.DependsAtAll("a", "data"));
    }

    [Fact]
    public void AHelperTheAnalysisCannotSeeMayReturnAnythingButStillCarriesItsArguments()
    {
        var (ir, _) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            var h = H(a);
            var g = H(1.0);
            return h + g;
            """ + "\n }\n static double H(double v) { return v; ");
        Assert.True(ir.Variable("h").Value.Top);
        Assert.True(ir.Reaches("a", "h", FlowPath.Value)); // a helper returning a double: the differentiable form lowers it over Real
        Assert.True(ir.Variable("g").Value.Top);
        Assert.False(ir.DependsAtAll("a", "g"));
        Assert.True(ir.Heap.Top); // it may have written anything it can reach
    }

    [Fact]
    public void JumpsUnderARandomConditionAreRecorded()
    {
        var (ir, slots) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            if (a > 0) return a;
            var b = Sample(Normal(0, 1));
            return b;
            """);
        Assert.True(ir.Jumps.Contains(ir.Site("a").Index));
        // The table: b's slot depends on a (whether b is reached at all).
        var table = DependencyAnalysis.FromIr(ir, slots)!;
        Assert.Contains(ir.Site("a").Site.Slot, table.Slots[ir.Site("b").Site.Slot].Sources);
    }

    [Theory]
    [InlineData("try { a = Sample(Normal(0, 1)); } finally { }")]
    [InlineData("goto done; done: a = Sample(Normal(0, 1));")]
    [InlineData("ref var r = ref a; r = Sample(Normal(0, 1), \"s\");")]
    public void UnmodelledConstructsAreRecordedTheTableGivesUpButTheWalkGoesOn(string statement)
    {
        var (ir, slots) = IrHarness.Build("double a = 0;\n" + statement + "\nvar c = a + 1;\nreturn c;");
        Assert.NotNull(ir.Unmodelled);
        Assert.Null(DependencyAnalysis.FromIr(ir, slots));
        // The lowerings still get an answer for the code around the construct.
        Assert.Contains(ir.Variables.Keys, s => s.Name == "c");
    }

    [Fact]
    public void ALambdaThatAssignsTheBodysVariablesIsUnmodelled()
    {
        var (ir, slots) = IrHarness.Build("""
            var a = Sample(Normal(0, 1));
            double y = 0;
            Action set = () => { y = 1; };
            set();
            return y + a;
            """);
        Assert.NotNull(ir.Unmodelled);
        Assert.Null(DependencyAnalysis.FromIr(ir, slots));
    }

    [Fact]
    public void AnAssignmentUsedAsAValueHasItsTargetsLoweredTypeButIsNoDependenceOnIt()
    {
        // In the lowered code `(y = 1.0)` is y, a tensor or a Real: z must be one too, as the syntactic taints had it.
        // For the sound table z holds 1.0, whatever y held before.
        var (ir, _) = IrHarness.Build("""
            var r = Sample(Normal(0, 1));
            double y;
            double z = (y = 1.0);
            y = r;
            return z;
            """);
        Assert.True(ir.Reaches("r", "z", FlowPath.Storage));
        Assert.True(ir.Reaches("r", "z", FlowPath.Derived | FlowPath.Storage));
        Assert.False(ir.DependsAtAll("r", "z"));
        Assert.DoesNotContain(ir.Site("r").Index, ir.Variable("z").Value.Sources);
    }

    [Fact]
    public void AnObjectInitialiserIsUnknownCodeThatStillMentionsWhatItHolds()
    {
        var (ir, _) = IrHarness.Build("""
            var r = Sample(Normal(0, 1));
            var list = new System.Collections.Generic.List<double> { r };
            double s = 0;
            foreach (var v in list) s += v;
            return s;
            """);
        Assert.True(ir.Variable("list").Value.Top);
        Assert.True(ir.Reaches("r", "list", FlowPath.Derived));
        Assert.True(ir.Reaches("r", "s", FlowPath.Derived)); // through the foreach over a collection
    }
}
