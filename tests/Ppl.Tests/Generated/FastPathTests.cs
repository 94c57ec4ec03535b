using Ppl.Distributions;
using Ppl.Modeling;
using Xunit;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// Models for the generated runtime's fast paths: static double sites read from a trace, where Ppl's
/// distributions check their own parameters and the operation adds the site's address to the error.
/// </summary>
public static partial class FastPathModels
{
    [Model]
    public static double Scales(double s, double t)
    {
        var a = Sample(Normal(0, 1));
        var b = Sample(Normal(a, s));
        Observe(Normal(b, t), 0.5, "obs");
        return b;
    }

    [Model]
    public static double Direct(double s)
    {
        var a = Sample(Normal(0, 1));
        // A distribution used directly (not an effect): its error must not be attributed to the site before it.
        return a + new Normal(0, s).LogDensity(1.0);
    }
}

/// <summary>The dynamic twins of <see cref="FastPathModels"/>.</summary>
public static class FastPathDyn
{
    public static readonly DynamicModel<(double, double), double> Scales = DynamicModel.Create<(double, double), double>("Scales", (tr, args) =>
    {
        var a = tr.Sample("a", new Normal(0, 1));
        var b = tr.Sample("b", new Normal(a, args.Item1));
        tr.Observe("obs", new Normal(b, args.Item2), 0.5);
        return b;
    });

    public static readonly DynamicModel<double, double> Direct = DynamicModel.Create<double, double>("Direct", (tr, s) =>
    {
        var a = tr.Sample("a", new Normal(0, 1));
        return a + new Normal(0, s).LogDensity(1.0);
    });
}

public class FastPathTests
{
    [Theory]
    [InlineData(1.0, 2.0, 1)]
    [InlineData(0.5, 3.0, 2)]
    [InlineData(2.5, 0.2, 3)]
    public void GeneratedAndDynamicAgreeOnTheFastPaths(double s, double t, int seed) =>
        // Every operation, with the trace's own choices as the source (fast path) and with choice maps (slow path);
        // update and regenerate also with other arguments, so the reused old values get new densities.
        Assert.True(Equivalence.Check(FastPathModels.ScalesModel, FastPathDyn.Scales, (1.0, 1.0), (s, t), seed));

    [Fact]
    public void AParameterErrorAtAStaticSiteReadFromATraceNamesTheAddress()
    {
        var g = FastPathModels.ScalesModel.Simulate((1.0, 1.0), new Rng(1));
        var d = FastPathDyn.Scales.Simulate((1.0, 1.0), new Rng(1));
        // Assess through the trace's own choices (the allocation-free path), update and regenerate: all read "b" from a trace.
        var cases = new (Func<object> Gen, Func<object> Dyn, string Address)[]
        {
            (() => FastPathModels.ScalesModel.Assess((-1.0, 1.0), g.Choices), () => FastPathDyn.Scales.Assess((-1.0, 1.0), d.Choices), "b"),
            (() => FastPathModels.ScalesModel.Assess((1.0, -2.0), g.Choices), () => FastPathDyn.Scales.Assess((1.0, -2.0), d.Choices), "obs"),
            (() => FastPathModels.ScalesModel.Update(g, (-1.0, 1.0), ChoiceMap.Empty, new Rng(2)), () => FastPathDyn.Scales.Update(d, (-1.0, 1.0), ChoiceMap.Empty, new Rng(2)), "b"),
            (() => FastPathModels.ScalesModel.Regenerate(g, (1.0, double.PositiveInfinity), Selection.At("a"), new Rng(3)), () => FastPathDyn.Scales.Regenerate(d, (1.0, double.PositiveInfinity), Selection.At("a"), new Rng(3)), "obs"),
        };
        foreach (var (gen, dyn, address) in cases)
        {
            var eg = Assert.Throws<DistributionParameterException>(gen);
            var ed = Assert.Throws<DistributionParameterException>(dyn);
            Assert.Equal(address, eg.Address?.ToString());
            Assert.Equal(ed.Message, eg.Message);
        }
    }

    [Fact]
    public void ADistributionUsedDirectlyInTheBodyIsNotAttributedToASite()
    {
        var eg = Assert.Throws<DistributionParameterException>(() => FastPathModels.DirectModel.Simulate(-1.0, new Rng(1)));
        var ed = Assert.Throws<DistributionParameterException>(() => FastPathDyn.Direct.Simulate(-1.0, new Rng(1)));
        Assert.Null(eg.Address);
        Assert.Equal(ed.Message, eg.Message);
    }

    [Fact]
    public void AssessThroughTheTracesOwnChoicesMatchesTheHandWrittenDensity()
    {
        var g = FastPathModels.ScalesModel.Simulate((0.7, 1.3), new Rng(5));
        double a = g.A, b = g.B;
        var expected = new Normal(0, 1).LogDensity(a) + new Normal(a, 0.7).LogDensity(b) + new Normal(b, 1.3).LogDensity(0.5);
        Assert.Equal(expected, FastPathModels.ScalesModel.Assess((0.7, 1.3), g.Choices).Weight, 12);
        Assert.Equal(expected, g.Score, 12);
    }
}
