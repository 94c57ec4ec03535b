using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics;
using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The half-Student-t, skew-normal, von Mises and the improper flat families: densities against closed forms built from
/// MathNet (or a power series for the Bessel function), normalisation by quadrature over the support, draws against
/// the CDF obtained by quadrature. (Their Real values, gradients and bijectors are checked with the other families in
/// <see cref="RealFamilyTests"/> and <see cref="RealConstrainTests"/>.)
/// </summary>
public class NewFamilyTests
{
    // ---- Values against closed forms.

    [Fact]
    public void HalfStudentTIsTwiceTheStudentTDensityOnThePositiveHalfLine()
    {
        foreach (var (nu, sigma) in new[] { (0.7, 1.0), (1.0, 2.5), (3.0, 0.4), (30.0, 1.3) })
            foreach (var x in new[] { 0.0, 1e-6, 0.3, 2.0, 40.0 })
                Close(Math.Log(2 * MN.StudentT.PDF(0, sigma, nu, x)), Dist.HalfStudentT(nu, sigma).LogDensity(x), 1e-13, $"HalfStudentT({nu}, {sigma}) at {x}");
        Assert.Equal(double.NegativeInfinity, Dist.HalfStudentT(3, 1).LogDensity(-1e-12));
        Assert.Equal(double.NegativeInfinity, RealDist.HalfStudentT(3, 1).LogDensity(-1e-12).Value);
        Assert.Equal(double.NegativeInfinity, Dist.HalfStudentT(3, 1).LogDensity(double.NaN));
    }

    [Fact]
    public void SkewNormalIsTwiceThePhiTimesPhiOfTheShape()
    {
        foreach (var (xi, omega, alpha) in new[] { (0.0, 1.0, 0.0), (1.5, 0.7, 3.0), (-2.0, 2.0, -5.0), (0.3, 1.1, 0.4) })
            foreach (var x in new[] { -4.0, -1.0, 0.0, 0.5, 3.0 })
            {
                var z = (x - xi) / omega;
                var expected = Math.Log(2 / omega * MN.Normal.PDF(0, 1, z) * MN.Normal.CDF(0, 1, alpha * z));
                Close(expected, Dist.SkewNormal(xi, omega, alpha).LogDensity(x), 1e-12, $"SkewNormal({xi}, {omega}, {alpha}) at {x}");
            }
        // α = 0 is the normal.
        Close(Dist.Normal(0.4, 1.7).LogDensity(1.1), Dist.SkewNormal(0.4, 1.7, 0).LogDensity(1.1), 1e-15, "SkewNormal(α = 0)");
        // Deep in the short tail (αz = −50): log Φ(−50) by the asymptotic series, which MathNet's CDF cannot reach.
        var zz = -2.5;
        var az = 20 * zz;
        double s = 1, t = 1;
        for (var k = 1; k < 10; k++)
        {
            t *= -(2 * k - 1) / (az * az);
            s += t;
        }
        var logPhi = -0.5 * az * az - 0.5 * Math.Log(2 * Math.PI) - Math.Log(-az) + Math.Log(s);
        Close(Math.Log(2) - 0.5 * zz * zz - 0.5 * Math.Log(2 * Math.PI) + logPhi, Dist.SkewNormal(0, 1, 20).LogDensity(zz), 1e-13, "SkewNormal far tail");
    }

    /// <summary>log I₀(κ) and log I₁(κ) by their power series, summed in log space (independent of MathNet).</summary>
    private static (double LogI0, double LogI1) BesselSeries(double kappa)
    {
        var terms = (int)(kappa + 60 * Math.Sqrt(kappa + 1) + 60);
        var t0 = new double[terms];
        var t1 = new double[terms];
        var lh = Math.Log(kappa / 2);
        for (var k = 0; k < terms; k++)
        {
            t0[k] = 2 * k * lh - 2 * SpecialFunctions.GammaLn(k + 1);
            t1[k] = (2 * k + 1) * lh - SpecialFunctions.GammaLn(k + 1) - SpecialFunctions.GammaLn(k + 2);
        }
        return (MathUtil.LogSumExp(t0), MathUtil.LogSumExp(t1));
    }

    [Fact]
    public void LogBesselI0AndTheRatioI1OverI0MatchThePowerSeries()
    {
        foreach (var kappa in new[] { 1e-6, 0.3, 5.0, 100.0, 699.0, 701.0, 5000.0 })
        {
            var (l0, l1) = BesselSeries(kappa);
            Close(l0, SpecialMath.LogBesselI0(kappa), 1e-13, $"log I0({kappa})");
            Close(Math.Exp(l1 - l0), SpecialMath.BesselRatioI1I0(kappa), 1e-12, $"I1/I0({kappa})");
        }
    }

    [Fact]
    public void VonMisesIsTheExponentialOfKappaCosineOverTwoPiI0AndIsPeriodic()
    {
        foreach (var (mu, kappa) in new[] { (0.0, 0.01), (1.0, 2.0), (-2.5, 40.0), (3.0, 900.0) })
        {
            var (l0, _) = BesselSeries(kappa);
            foreach (var x in new[] { mu - 3, mu - 0.4, mu, mu + 1.2, mu + Math.PI })
            {
                var expected = kappa * Math.Cos(x - mu) - Math.Log(2 * Math.PI) - l0;
                Close(expected, Dist.VonMises(mu, kappa).LogDensity(x), 1e-13, $"VonMises({mu}, {kappa}) at {x}");
                // The same angle one or two turns away.
                Close(expected, Dist.VonMises(mu, kappa).LogDensity(x + 2 * Math.PI), 1e-11, "periodic");
                Close(expected, Dist.VonMises(mu, kappa).LogDensity(x - 4 * Math.PI), 1e-11, "periodic");
            }
        }
        var support = Dist.VonMises(1, 2).Support;
        Assert.Equal(1 - Math.PI, support.Lower);
        Assert.Equal(1 + Math.PI, support.Upper);
    }

    // ---- Normalisation by quadrature.

    public static TheoryData<string, double[]> Normalised => new()
    {
        { "HalfStudentT", [0.7, 1.0] }, { "HalfStudentT", [1.0, 0.3] }, { "HalfStudentT", [3.0, 2.0] }, { "HalfStudentT", [40.0, 1.0] },
        { "SkewNormal", [0.0, 1.0, -8.0] }, { "SkewNormal", [1.0, 0.5, 0.0] }, { "SkewNormal", [-1.0, 2.0, 2.5] }, { "SkewNormal", [0.0, 1.0, 30.0] },
        { "VonMises", [0.0, 1e-3] }, { "VonMises", [2.0, 0.5] }, { "VonMises", [-1.0, 3.0] }, { "VonMises", [0.5, 60.0] }, { "VonMises", [3.0, 800.0] },
    };

    private static IDistribution<double> Make(string family, double[] p) => family switch
    {
        "HalfStudentT" => Dist.HalfStudentT(p[0], p[1]),
        "SkewNormal" => Dist.SkewNormal(p[0], p[1], p[2]),
        "VonMises" => Dist.VonMises(p[0], p[1]),
        _ => throw new ArgumentException(family),
    };

    [Theory, MemberData(nameof(Normalised))]
    public void TheDensityIntegratesToOneOverItsSupport(string family, double[] p)
    {
        var d = Make(family, p);
        double Pdf(double x) => Math.Exp(d.LogDensity(x));
        double total;
        if (family == "VonMises")
        {
            // Split at the mode so that a concentrated density is resolved.
            total = Integrate(Pdf, p[0] - Math.PI, p[0]) + Integrate(Pdf, p[0], p[0] + Math.PI);
        }
        else if (family == "SkewNormal") total = Integrate(Pdf, double.NegativeInfinity, p[0]) + Integrate(Pdf, p[0], double.PositiveInfinity);
        else total = Integrate(Pdf, 0, double.PositiveInfinity);
        Close(1, total, 1e-10, $"{family}({string.Join(", ", p)})");
    }

    // ---- Draws against the CDF by quadrature.

    [Theory, MemberData(nameof(Normalised))]
    public void DrawsFollowTheDistribution(string family, double[] p)
    {
        var d = Make(family, p);
        const int n = 20000;
        var rng = new Rng(20260101);
        var xs = Enumerable.Range(0, n).Select(_ => d.Sample(rng)).OrderBy(x => x).ToArray();
        if (family == "VonMises") Assert.All(xs, x => Assert.InRange(x, p[0] - Math.PI, p[0] + Math.PI));
        if (family == "HalfStudentT") Assert.All(xs, x => Assert.True(x >= 0));
        // The empirical CDF at 19 sample quantiles against the CDF by quadrature of the density: within the 0.999
        // Kolmogorov–Smirnov band (1.95/√n).
        double Pdf(double x) => Math.Exp(d.LogDensity(x));
        var start = family switch { "VonMises" => p[0] - Math.PI, "HalfStudentT" => 0.0, _ => double.NegativeInfinity };
        for (var q = 1; q < 20; q++)
        {
            var t = xs[q * n / 20];
            var reference = family == "HalfStudentT" ? 2 * MN.StudentT.CDF(0, p[1], p[0], t) - 1 : Integrate(Pdf, start, t);
            var empirical = (double)xs.Count(x => x <= t) / n;
            Assert.True(Math.Abs(empirical - reference) <= 1.95 / Math.Sqrt(n), $"{family}({string.Join(", ", p)}) at {t}: empirical {empirical}, CDF {reference}");
        }
    }

    [Fact]
    public void SkewNormalAndHalfStudentTMomentsMatchTheirQuadrature()
    {
        foreach (var (xi, omega, alpha) in new[] { (0.5, 1.5, 4.0), (-1.0, 0.7, -2.0) })
        {
            var d = Dist.SkewNormal(xi, omega, alpha);
            double Pdf(double x) => Math.Exp(d.LogDensity(x));
            var mean = Integrate(x => x * Pdf(x), double.NegativeInfinity, xi) + Integrate(x => x * Pdf(x), xi, double.PositiveInfinity);
            var second = Integrate(x => (x - mean) * (x - mean) * Pdf(x), double.NegativeInfinity, xi) + Integrate(x => (x - mean) * (x - mean) * Pdf(x), xi, double.PositiveInfinity);
            Close(mean, d.Mean, 1e-9, "SkewNormal mean");
            Close(second, d.Variance, 1e-9, "SkewNormal variance");
        }
        foreach (var (nu, sigma) in new[] { (3.0, 1.0), (7.5, 0.4) })
        {
            var d = Dist.HalfStudentT(nu, sigma);
            double Pdf(double x) => Math.Exp(d.LogDensity(x));
            var mean = Integrate(x => x * Pdf(x), 0, double.PositiveInfinity);
            var second = Integrate(x => x * x * Pdf(x), 0, double.PositiveInfinity);
            Close(mean, d.Mean, 1e-9, "HalfStudentT mean");
            Close(second - mean * mean, d.Variance, 1e-8, "HalfStudentT variance");
        }
        Assert.Equal(double.PositiveInfinity, Dist.HalfStudentT(1, 1).Mean);
    }

    // ---- The improper priors.

    [Fact]
    public void ImproperPriorsHaveLogDensityZeroAndCannotBeSampled()
    {
        Assert.Equal(0.0, Dist.Flat().LogDensity(-1e200));
        Assert.Equal(0.0, Dist.Flat().LogDensity(3.5));
        Assert.Equal(double.NegativeInfinity, Dist.Flat().LogDensity(double.NaN));
        Assert.Equal(0.0, Dist.HalfFlat().LogDensity(0));
        Assert.Equal(0.0, Dist.HalfFlat().LogDensity(1e200));
        Assert.Equal(double.NegativeInfinity, Dist.HalfFlat().LogDensity(-1e-300));
        Assert.Null(Dist.Flat().ParameterError);
        Assert.Equal(SupportKind.Real, Dist.Flat().Support.Kind);
        Assert.Equal(SupportKind.Positive, Dist.HalfFlat().Support.Kind);

        var e = Assert.Throws<ImproperDistributionException>(() => Dist.Flat().Sample(new Rng(1)));
        Assert.Equal("Flat", e.Family);
        Assert.Contains("improper", e.Message);
        Assert.Contains("cannot be sampled", e.Message);
        Assert.Contains("NUTS", e.Message);
        e = Assert.Throws<ImproperDistributionException>(() => Dist.HalfFlat().SampleBoxed(new Rng(1)));
        Assert.StartsWith("HalfFlat is an improper prior", e.Message);
        Assert.Contains("at 'sigma'", new ImproperDistributionException("HalfFlat", new Address("sigma")).Message);
    }

    [Fact]
    public void ImproperPriorsOverRealAreConstantsAndMapFromTheRealLine()
    {
        var tape = Tape.Current;
        tape.Reset();
        var u = tape.Variable(0.7);
        Real logJ = 0;
        var x = RealDist.HalfFlat().Constrain(u, ref logJ);
        Close(Math.Exp(0.7), x.Value, 1e-15, "HalfFlat constrain");
        Close(0.7, logJ.Value, 1e-15, "HalfFlat log J");
        Assert.True(RealDist.HalfFlat().LogDensity(x).IsConstant);
        Assert.Equal(0.0, RealDist.HalfFlat().LogDensity(x).Value);
        Assert.Equal(0.7, RealDist.HalfFlat().Unconstrain(x.Value), 15);
        Real logJ2 = 0;
        Assert.Equal(u.Value, RealDist.Flat().Constrain(u, ref logJ2).Value);
        Assert.Equal(0.0, logJ2.Value);
        Assert.Equal(0.0, RealDist.Flat().LogDensity(u).Value);
        Assert.Equal(double.NegativeInfinity, RealDist.Flat().LogDensity(double.PositiveInfinity).Value);
        Assert.IsType<Flat>(RealDist.Flat().AtValues());
        Assert.IsType<HalfFlat>(RealDist.HalfFlat().AtValues());
        Assert.Equal("Flat", RealDist.Flat().Family);
        Assert.Null(RealDist.HalfFlat().ParameterError);
    }

    [Fact]
    public void VonMisesUnconstrainReadsAnyRepresentationOfTheAngle()
    {
        var d = RealDist.VonMises(2.0, 3.0);
        var inside = 2.0 + 1.0;
        var u = d.Unconstrain(inside);
        Close(u, d.Unconstrain(inside + 2 * Math.PI), 1e-12, "one turn up");
        Close(u, d.Unconstrain(inside - 6 * Math.PI), 1e-12, "three turns down");
        Real logJ = 0;
        Close(inside, d.Constrain(u, ref logJ).Value, 1e-12, "back");
    }

    [Property(MaxTest = 100)]
    public Property VonMisesDrawsStayInTheirWindowAndHaveFiniteDensity(int seed)
    {
        var rng = new Rng(seed);
        var mu = 20 * (rng.NextDouble() - 0.5);
        var kappa = Math.Exp(12 * rng.NextDouble() - 6);
        var d = Dist.VonMises(mu, kappa);
        var ok = true;
        for (var i = 0; i < 20; i++)
        {
            var x = d.Sample(rng);
            ok &= x >= mu - Math.PI && x <= mu + Math.PI && double.IsFinite(d.LogDensity(x));
        }
        return ok.ToProperty();
    }
}
