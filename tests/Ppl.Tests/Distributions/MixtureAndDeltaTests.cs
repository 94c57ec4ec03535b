using Ppl.Distributions;
using Xunit;

namespace Ppl.Tests.Distributions;

public class MixtureAndDeltaTests
{
    private static Mixture<double> Mix() => new([0.25, 0.75], [new Normal(-2, 0.5), new Gamma(3, 2)]);

    [Fact]
    public void MixtureIntegratesToOneAndIsTheWeightedSum()
    {
        var m = Mix();
        var total = TestStats.Integrate(x => Math.Exp(m.LogDensity(x)), double.NegativeInfinity, double.PositiveInfinity);
        Assert.True(Math.Abs(total - 1) < 1e-6, $"∫p = {total}");
        foreach (var x in new[] { -2.0, 0.5, 1.5 })
        {
            var expected = Math.Log(0.25 * Math.Exp(new Normal(-2, 0.5).LogDensity(x)) + 0.75 * Math.Exp(new Gamma(3, 2).LogDensity(x)));
            TestStats.Close(expected, m.LogDensity(x), 1e-12, $"mixture at {x}");
        }
        var r = m.Responsibilities(-2);
        Assert.Equal(1.0, r.Sum(), 12);
        Assert.Equal(1.0, r[0]);
    }

    [Fact]
    public void MixtureSamplesMatchTheMixtureMoments()
    {
        var m = Mix();
        var rng = new Rng(31);
        var xs = Enumerable.Range(0, 20000).Select(_ => m.Sample(rng)).ToArray();
        TestStats.AssertMoments(xs, m.Mean(), m.Variance(), "mixture");
    }

    [Fact]
    public void DiscreteMixtureSumsToOne()
    {
        var m = Dist.Mixture<int>([0.4, 0.6], new Poisson(1), new Binomial(6, 0.5));
        Assert.True(m.IsDiscrete);
        var total = Enumerable.Range(0, 100).Sum(k => Math.Exp(m.LogDensity(k)));
        Assert.Equal(1.0, total, 12);
        Assert.Equal(double.NegativeInfinity, m.LogDensity(-1));
    }

    [Fact]
    public void DeltaIsAPointMass()
    {
        var d = Dist.Delta(2.5);
        Assert.Equal(0.0, d.LogDensity(2.5));
        Assert.Equal(double.NegativeInfinity, d.LogDensity(2.5000001));
        Assert.Equal(2.5, d.Sample(new Rng(1)));
        Assert.Equal(1, d.SupportSize);
        Assert.Equal((2.5, 0.0), (d.Mean, d.Variance));
    }
}

public class NegativeControlTests
{
    [Fact]
    public void MomentCheckRejectsAWrongMeanOrVariance()
    {
        var rng = new Rng(8);
        var xs = Enumerable.Range(0, 20000).Select(_ => new Gamma(2.5, 1.5).Sample(rng)).ToArray();
        // A Gamma parameterised by scale instead of rate would have mean 3.75 and variance 5.625.
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TestStats.AssertMoments(xs, 3.75, 5.625, "scale-parameterised"));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TestStats.AssertMoments(xs, 2.5 / 1.5, 1.3, "wrong variance"));
    }

    [Fact]
    public void NormalisationCheckSeesAMissingConstant()
    {
        // Dropping the log 2 of the half-normal would leave half the mass.
        var total = TestStats.Integrate(x => Math.Exp(new HalfNormal(1.3).LogDensity(x) - Math.Log(2)), 0, double.PositiveInfinity);
        Assert.True(Math.Abs(total - 0.5) < 1e-8);
    }
}
