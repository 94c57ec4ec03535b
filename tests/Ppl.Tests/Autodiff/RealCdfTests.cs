using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>A family with a CDF: parameters, points (tails included), both implementations, and MathNet's CDF and log density as references.</summary>
public sealed record CdfCase(
    Func<Rng, double[]> Parameters,
    Func<double[], Rng, double> Point,
    Func<Real[], IRealCdf> Real,
    Func<double[], IHasCdf> Double,
    Func<double[], double, double> ReferenceCdf,
    Func<double[], double, double> ReferenceLogDensity,
    double SupportLower,
    double SupportUpper);

/// <summary>
/// The CDFs over Real and double: values against MathNet's CDFs (an independent implementation) and, in log space far
/// into the tails, against tanh-sinh quadrature of MathNet's log density; derivatives in the point and in every
/// parameter against five-point finite differences.
/// </summary>
public class RealCdfTests
{
    private static double U(Rng r, double a, double b) => a + (b - a) * r.NextDouble();

    private static double Positive(Rng r) => Math.Exp(U(r, -1.2, 1.2));

    // Standardised points from the far lower tail to the far upper tail.
    private static readonly double[] Zs = [-35, -12, -4, -1.3, -0.2, 0.05, 0.4, 1.7, 5, 13, 30];

    private static double Z(Rng r) => Zs[r.Next(Zs.Length)] * U(r, 0.9, 1.1);

    // Points of a positive family: from 1e-4 to 1e3 times the scale.
    private static double PositivePoint(Rng r, double scale) => scale * Math.Exp(U(r, -9, 7));

    private const double Inf = double.PositiveInfinity;

    public static readonly Dictionary<string, CdfCase> Cases = new()
    {
        ["Normal"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + p[1] * Z(r),
            p => RealDist.Normal(p[0], p[1]), p => Dist.Normal(p[0], p[1]),
            (p, x) => MN.Normal.CDF(p[0], p[1], x), (p, x) => MN.Normal.PDFLn(p[0], p[1], x), -Inf, Inf),
        ["StudentT"] = new(r => [U(r, 0.7, 25), U(r, -3, 3), Positive(r)], (p, r) => p[1] + p[2] * Z(r) * 0.3,
            p => RealDist.StudentT(p[0], p[1], p[2]), p => Dist.StudentT(p[0], p[1], p[2]),
            (p, x) => MN.StudentT.CDF(p[1], p[2], p[0], x), (p, x) => MN.StudentT.PDFLn(p[1], p[2], p[0], x), -Inf, Inf),
        ["Cauchy"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + p[1] * Z(r) * 10,
            p => RealDist.Cauchy(p[0], p[1]), p => Dist.Cauchy(p[0], p[1]),
            (p, x) => MN.Cauchy.CDF(p[0], p[1], x), (p, x) => MN.Cauchy.PDFLn(p[0], p[1], x), -Inf, Inf),
        ["Laplace"] = new(r => [U(r, -3, 3), Positive(r)], (p, r) => p[0] + p[1] * Z(r),
            p => RealDist.Laplace(p[0], p[1]), p => Dist.Laplace(p[0], p[1]),
            (p, x) => MN.Laplace.CDF(p[0], p[1], x), (p, x) => MN.Laplace.PDFLn(p[0], p[1], x), -Inf, Inf),
        ["Exponential"] = new(r => [Positive(r)], (p, r) => PositivePoint(r, 1 / p[0]) * 0.05,
            p => RealDist.Exponential(p[0]), p => Dist.Exponential(p[0]),
            (p, x) => MN.Exponential.CDF(p[0], x), (p, x) => MN.Exponential.PDFLn(p[0], x), 0, Inf),
        ["Gamma"] = new(r => [U(r, 0.4, 9), Positive(r)], (p, r) => PositivePoint(r, 1 / p[1]) * 0.05,
            p => RealDist.Gamma(p[0], p[1]), p => Dist.Gamma(p[0], p[1]),
            (p, x) => MN.Gamma.CDF(p[0], p[1], x), (p, x) => MN.Gamma.PDFLn(p[0], p[1], x), 0, Inf),
        ["InverseGamma"] = new(r => [U(r, 0.4, 9), Positive(r)], (p, r) => PositivePoint(r, p[1]) * 0.05,
            p => RealDist.InverseGamma(p[0], p[1]), p => Dist.InverseGamma(p[0], p[1]),
            (p, x) => MN.InverseGamma.CDF(p[0], p[1], x), (p, x) => InverseGammaLogDensity(p[0], p[1], x), 0, Inf),
        ["LogNormal"] = new(r => [U(r, -1, 1), U(r, 0.3, 2)], (p, r) => Math.Exp(p[0] + p[1] * Z(r) * 0.5),
            p => RealDist.LogNormal(p[0], p[1]), p => Dist.LogNormal(p[0], p[1]),
            (p, x) => MN.LogNormal.CDF(p[0], p[1], x), (p, x) => MN.LogNormal.PDFLn(p[0], p[1], x), 0, Inf),
        ["Uniform"] = new(r => { var l = U(r, -3, 3); return [l, l + Positive(r)]; }, (p, r) => p[0] + (p[1] - p[0]) * U(r, 0.001, 0.999),
            p => RealDist.Uniform(p[0], p[1]), p => Dist.Uniform(p[0], p[1]),
            (p, x) => MN.ContinuousUniform.CDF(p[0], p[1], x), (p, x) => MN.ContinuousUniform.PDFLn(p[0], p[1], x), double.NaN, double.NaN),
        ["HalfNormal"] = new(r => [Positive(r)], (p, r) => p[0] * Math.Abs(Z(r)) + 1e-3 * p[0],
            p => RealDist.HalfNormal(p[0]), p => Dist.HalfNormal(p[0]),
            (p, x) => 2 * MN.Normal.CDF(0, p[0], x) - 1, (p, x) => Math.Log(2) + MN.Normal.PDFLn(0, p[0], x), 0, Inf),
        ["HalfCauchy"] = new(r => [Positive(r)], (p, r) => p[0] * Math.Abs(Z(r)) * 10 + 1e-3 * p[0],
            p => RealDist.HalfCauchy(p[0]), p => Dist.HalfCauchy(p[0]),
            (p, x) => 2 * MN.Cauchy.CDF(0, p[0], x) - 1, (p, x) => Math.Log(2) + MN.Cauchy.PDFLn(0, p[0], x), 0, Inf),
        ["HalfStudentT"] = new(r => [U(r, 0.7, 25), Positive(r)], (p, r) => p[1] * Math.Abs(Z(r)) * 0.3 + 1e-3 * p[1],
            p => RealDist.HalfStudentT(p[0], p[1]), p => Dist.HalfStudentT(p[0], p[1]),
            (p, x) => 2 * MN.StudentT.CDF(0, p[1], p[0], x) - 1, (p, x) => Math.Log(2) + MN.StudentT.PDFLn(0, p[1], p[0], x), 0, Inf),
    };

    public static TheoryData<string> Names => new(Cases.Keys);

    private static (double Lower, double Upper) Support(CdfCase c, double[] p) =>
        double.IsNaN(c.SupportLower) ? (p[0], p[1]) : (c.SupportLower, c.SupportUpper);

    [Theory, MemberData(nameof(Names))]
    public void CdfMatchesMathNet(string name)
    {
        var c = Cases[name];
        var rng = new Rng(4242);
        for (var trial = 0; trial < 40; trial++)
        {
            var p = c.Parameters(rng);
            var x = c.Point(p, rng);
            var label = $"{name}({string.Join(", ", p)}) at {x}";
            var d = c.Double(p);
            var reference = c.ReferenceCdf(p, x);
            Assert.True(Math.Abs(reference - d.Cdf(x)) <= 1e-12, $"{label}: MathNet {reference:R}, Cdf {d.Cdf(x):R}");
            // Where MathNet's CDF keeps its digits (not within 1e-6 of 0 or 1), the logs agree too.
            if (reference > 1e-6 && reference < 1 - 1e-6)
            {
                Close(Math.Log(reference), d.LogCdf(x), 1e-10, label + " LogCdf");
                Close(Math.Log(1 - reference), d.LogCcdf(x), 1e-10, label + " LogCcdf");
            }
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void LogCdfsMatchQuadratureOfTheDensityIntoTheFarTails(string name)
    {
        var c = Cases[name];
        var rng = new Rng(777);
        for (var trial = 0; trial < 30; trial++)
        {
            var p = c.Parameters(rng);
            var x = c.Point(p, rng);
            var (lo, hi) = Support(c, p);
            var label = $"{name}({string.Join(", ", p)}) at {x}";
            var d = c.Double(p);
            double LogPdf(double t) => c.ReferenceLogDensity(p, t);
            // Integrate the tail on the far side of the mode from x; the other side is log(1 − that).
            double lower, upper;
            if (c.ReferenceCdf(p, x) < 0.5)
            {
                lower = LogTail(LogPdf, x, upperTail: false, lo);
                upper = Math.Log(-Expm1(lower));
            }
            else
            {
                upper = LogTail(LogPdf, x, upperTail: true, hi);
                lower = Math.Log(-Expm1(upper));
            }
            Close(lower, d.LogCdf(x), 1e-9, label + " LogCdf against quadrature");
            Close(upper, d.LogCcdf(x), 1e-9, label + " LogCcdf against quadrature");
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void RealLogCdfsMatchTheDoubleOnesWithFiniteDifferenceGradients(string name)
    {
        var c = Cases[name];
        var rng = new Rng(31415);
        var tape = Tape.Current;
        for (var trial = 0; trial < 30; trial++)
        {
            var p = c.Parameters(rng);
            var x = c.Point(p, rng);
            foreach (var upper in new[] { false, true })
            {
                var label = $"{name}({string.Join(", ", p)}) {(upper ? "LogCcdf" : "LogCdf")} at {x}";
                double F(double[] q, double at) => upper ? c.Double(q).LogCcdf(at) : c.Double(q).LogCdf(at);
                var expected = F(p, x);
                tape.Reset();
                var xv = tape.Variable(x);
                var pv = p.Select(tape.Variable).ToArray();
                var before = tape.Count;
                var dist = c.Real(pv);
                var y = upper ? dist.LogCcdf(xv) : dist.LogCdf(xv);
                Assert.Equal(expected, y.Value);
                // One fused node (two for Student's t with a variable ν: four parents).
                Assert.Equal(name == "StudentT" ? 2 : 1, tape.Count - before);
                tape.Backward(y);
                // The steps are relative to each value, so that points near 0 stay inside the support.
                Close(Derivative(v => F(p, v), x, 1e-4 * Math.Min(1, Math.Abs(x))), tape.Adjoint(xv), 2e-7, label + " d/dx");
                for (var i = 0; i < p.Length; i++)
                    Close(Partial(q => F(q, x), p, i, 1e-4 * Math.Min(1, Math.Abs(p[i]))), tape.Adjoint(pv[i]), 2e-7, $"{label} d/dp[{i}]");
            }
        }
    }

    [Theory, MemberData(nameof(Names))]
    public void OutsideTheSupportAndAtInfinityTheLogCdfsAreConstantEnds(string name)
    {
        var c = Cases[name];
        var p = c.Parameters(new Rng(9));
        var (lo, hi) = Support(c, p);
        var tape = Tape.Current;
        tape.Reset();
        var pv = p.Select(tape.Variable).ToArray();
        var dist = c.Real(pv);
        foreach (var (x, cdf, ccdf) in new[] { (double.NegativeInfinity, double.NegativeInfinity, 0.0), (Inf, 0.0, double.NegativeInfinity), (lo - 1, double.NegativeInfinity, 0.0), (hi + 1, 0.0, double.NegativeInfinity) })
        {
            var a = dist.LogCdf(x);
            var b = dist.LogCcdf(x);
            Assert.Equal(cdf, a.Value);
            Assert.Equal(ccdf, b.Value);
            Assert.True(a.IsConstant && b.IsConstant, $"{name} at {x}");
            Assert.Equal(cdf, c.Double(p).LogCdf(x));
            Assert.Equal(ccdf, c.Double(p).LogCcdf(x));
        }
        Assert.True(double.IsNaN(dist.LogCdf(double.NaN).Value));
        Assert.True(double.IsNaN(c.Double(p).LogCcdf(double.NaN)));
        Assert.Equal(lo, dist.SupportLower.Value);
        Assert.Equal(hi, dist.SupportUpper.Value);
    }

    [Fact]
    public void AnInvalidParameterGivesNaNOverRealAndThrowsOverDouble()
    {
        Assert.True(double.IsNaN(RealDist.Normal(0, -1).LogCdf(0.5).Value));
        Assert.True(double.IsNaN(RealDist.Gamma(-2, 1).LogCcdf(0.5).Value));
        Assert.True(double.IsNaN(RealDist.HalfStudentT(3, 0).LogCdf(0.5).Value));
        Assert.True(double.IsNaN(RealDist.Uniform(2, 1).LogCdf(1.5).Value));
        var e = Assert.Throws<DistributionParameterException>(() => Dist.Normal(0, -1).LogCdf(0.5));
        Assert.Contains("sigma", e.Message);
        Assert.Contains("-1", e.Message);
        e = Assert.Throws<DistributionParameterException>(() => Dist.HalfStudentT(-3, 1).Cdf(0.5));
        Assert.Contains("nu must be positive and finite, got -3", e.Message);
    }

    [Fact]
    public void TheNormalLogCdfKeepsItsDigitsFarBelowTheSmallestDouble()
    {
        // Φ(−40) ≈ 3.6e−350 underflows; its log is −804.608… (asymptotic series with many terms, independent of ours).
        foreach (var z in new[] { -40.0, -100.0, -1e4 })
        {
            double sum = 1, term = 1;
            for (var k = 1; k < 12; k++)
            {
                term *= -(2 * k - 1) / (z * z);
                sum += term;
            }
            var expected = -0.5 * z * z - 0.5 * Math.Log(2 * Math.PI) - Math.Log(-z) + Math.Log(sum);
            Close(expected, Dist.Normal(0, 1).LogCdf(z), 1e-14, $"log Φ({z})");
            Close(expected, Dist.Normal(0, 1).LogCcdf(-z), 1e-14, $"log(1 − Φ({-z}))");
        }
    }

    // MathNet's inverse-gamma log density is the log of its density, which underflows near 0: the closed form instead.
    private static double InverseGammaLogDensity(double a, double b, double x) =>
        x > 0 ? a * Math.Log(b) - MathNet.Numerics.SpecialFunctions.GammaLn(a) - (a + 1) * Math.Log(x) - b / x : double.NegativeInfinity;

    /// <summary>eᵗ − 1 by its series where t is small (a reference independent of the library's expm1).</summary>
    private static double Expm1(double t) => Math.Abs(t) < 1e-3 ? t * (1 + t / 2 * (1 + t / 3 * (1 + t / 4 * (1 + t / 5)))) : Math.Exp(t) - 1;

    // ---- Properties.

    [Property(MaxTest = 200)]
    public Property TheCdfAndTheSurvivalFunctionSumToOneAndTheCdfIncreases(int seed, byte family)
    {
        var names = Cases.Keys.ToArray();
        var c = Cases[names[family % names.Length]];
        var rng = new Rng(seed);
        var p = c.Parameters(rng);
        var x1 = c.Point(p, rng);
        var x2 = c.Point(p, rng);
        if (x2 < x1) (x1, x2) = (x2, x1);
        var d = c.Double(p);
        var sum = Math.Exp(d.LogCdf(x1)) + Math.Exp(d.LogCcdf(x1));
        return (Math.Abs(sum - 1) <= 1e-12 && d.LogCdf(x1) <= d.LogCdf(x2) && d.LogCcdf(x1) >= d.LogCcdf(x2)).ToProperty();
    }
}
