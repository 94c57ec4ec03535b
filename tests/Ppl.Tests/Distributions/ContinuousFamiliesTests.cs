using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Tests.Distributions;

public class ContinuousFamiliesTests
{
    /// <summary>A family under test, with its support bounds and MathNet's log density (null where MathNet lacks the family).</summary>
    public sealed record Case(IDistribution<double> Dist, double Lower, double Upper, Func<double, double>? Reference, double[] Points, bool HasMoments = true);

    public static readonly Dictionary<string, Case> Cases = new()
    {
        ["Normal"] = new(new Normal(1.5, 2), double.NegativeInfinity, double.PositiveInfinity, x => MN.Normal.PDFLn(1.5, 2, x), [-3, 0, 1.5, 7]),
        ["HalfNormal"] = new(new HalfNormal(1.3), 0, double.PositiveInfinity, x => Math.Log(2) + MN.Normal.PDFLn(0, 1.3, x), [0.01, 0.5, 2, 5]),
        ["LogNormal"] = new(new LogNormal(0.3, 0.4), 0, double.PositiveInfinity, x => MN.LogNormal.PDFLn(0.3, 0.4, x), [0.2, 1, 1.4, 4]),
        ["StudentT"] = new(new StudentT(7, 1, 2), double.NegativeInfinity, double.PositiveInfinity, x => MN.StudentT.PDFLn(1, 2, 7, x), [-10, 0, 1, 3.5]),
        ["Cauchy"] = new(new Cauchy(0.5, 1.5), double.NegativeInfinity, double.PositiveInfinity, x => MN.Cauchy.PDFLn(0.5, 1.5, x), [-20, 0, 0.5, 3], HasMoments: false),
        ["HalfCauchy"] = new(new HalfCauchy(2), 0, double.PositiveInfinity, x => Math.Log(2) + MN.Cauchy.PDFLn(0, 2, x), [0.01, 1, 2, 30], HasMoments: false),
        ["Laplace"] = new(new Laplace(-1, 0.7), double.NegativeInfinity, double.PositiveInfinity, x => MN.Laplace.PDFLn(-1, 0.7, x), [-4, -1, 0, 2]),
        ["Exponential"] = new(new Exponential(1.7), 0, double.PositiveInfinity, x => MN.Exponential.PDFLn(1.7, x), [0, 0.3, 1, 4]),
        ["Gamma"] = new(new Gamma(2.5, 1.5), 0, double.PositiveInfinity, x => MN.Gamma.PDFLn(2.5, 1.5, x), [0.1, 1, 2, 6]),
        ["InverseGamma"] = new(new InverseGamma(6, 2), 0, double.PositiveInfinity, x => MN.InverseGamma.PDFLn(6, 2, x), [0.1, 0.4, 1, 3]),
        ["Beta"] = new(new Beta(2, 3.5), 0, 1, x => MN.Beta.PDFLn(2, 3.5, x), [0.05, 0.3, 0.5, 0.97]),
        ["Uniform"] = new(new Uniform(-1, 3), -1, 3, x => MN.ContinuousUniform.PDFLn(-1, 3, x), [-1, 0, 2.5, 3]),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    [Theory, MemberData(nameof(Names))]
    public void DensityIntegratesToOne(string name)
    {
        var c = Cases[name];
        var total = TestStats.Integrate(x => Math.Exp(c.Dist.LogDensity(x)), c.Lower, c.Upper);
        Assert.True(Math.Abs(total - 1) < 1e-6, $"{name}: ∫p = {total}");
    }

    [Theory, MemberData(nameof(Names))]
    public void LogDensityMatchesMathNet(string name)
    {
        var c = Cases[name];
        foreach (var x in c.Points)
        {
            var expected = c.Reference!(x);
            var actual = c.Dist.LogDensity(x);
            Assert.True(Math.Abs(expected - actual) <= 1e-10 * Math.Max(1, Math.Abs(expected)), $"{name} at {x}: MathNet {expected}, ours {actual}");
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void SampleMomentsMatch(string name)
    {
        var c = Cases[name];
        var rng = new Rng(1234);
        var xs = new double[20000];
        for (var i = 0; i < xs.Length; i++) xs[i] = c.Dist.Sample(rng);
        Assert.All(xs, x => Assert.True(c.Dist.LogDensity(x) > double.NegativeInfinity, $"{name}: draw {x} outside the support"));
        if (c.HasMoments)
        {
            var m = (IHasMoments<double>)c.Dist;
            TestStats.AssertMoments(xs, m.Mean, m.Variance, name);
        }
        else
        {
            // No moments: check the quartiles instead (for both, P(X ≤ scale above the centre) = 3/4 resp. 1/2).
            var (centre, scale, p) = c.Dist switch
            {
                Cauchy ca => (ca.Loc, ca.Scale, 0.75),
                HalfCauchy h => (0.0, h.Scale, 0.5),
                _ => throw new InvalidOperationException(),
            };
            TestStats.AssertFrequency(xs.Count(x => x <= centre + scale), xs.Length, p, name);
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void OutsideSupportIsNegativeInfinity(string name)
    {
        var c = Cases[name];
        Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity(double.NaN));
        if (double.IsFinite(c.Lower)) Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity(c.Lower - 1e-3));
        if (double.IsFinite(c.Upper)) Assert.Equal(double.NegativeInfinity, c.Dist.LogDensity(c.Upper + 1e-3));
    }

    [Fact]
    public void GammaAndBetaHandleSupportEdges()
    {
        Assert.Equal(Math.Log(2), new Gamma(1, 2).LogDensity(0), 12);
        Assert.Equal(double.NegativeInfinity, new Gamma(2, 2).LogDensity(0));
        Assert.Equal(double.PositiveInfinity, new Gamma(0.5, 2).LogDensity(0));
        Assert.Equal(Math.Log(3), new Beta(1, 3).LogDensity(0), 12);
    }
}
