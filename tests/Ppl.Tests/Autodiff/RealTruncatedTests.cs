using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// Truncation of every family with a CDF, over double and over Real: the normaliser against quadrature of MathNet's
/// density (scaled, so that truncations far in a tail keep their digits), the truncated density integrating to 1,
/// Real values equal to the double ones with gradients in the point, the base's parameters and both bounds against
/// five-point differences, the bijector from the bounds, and draws against the CDF by quadrature.
/// </summary>
public class RealTruncatedTests
{
    private const double Inf = double.PositiveInfinity;

    public static readonly (string Family, double[] P, double Lower, double Upper)[] Truncations =
    [
        ("Normal", [0.3, 1.2], -1, 2),
        ("Normal", [0, 1], 8, Inf),
        ("Normal", [0, 1], -Inf, -30),
        ("Normal", [0, 1], 10, 10.5),
        ("Normal", [1, 2], -Inf, 0.5),
        ("StudentT", [3, 0.5, 2], 0, Inf),
        ("StudentT", [1.5, 0, 1], 20, 60),
        ("Cauchy", [0, 1], -50, 3),
        ("Laplace", [1, 0.5], 2, 6),
        ("Exponential", [2], 0.5, 3),
        ("Exponential", [1], 0, 1),
        ("Exponential", [1], -5, 2),
        ("Gamma", [2.5, 1.5], 0.2, Inf),
        ("Gamma", [0.6, 2], -Inf, 0.5),
        ("InverseGamma", [3, 2], 0.5, 4),
        ("LogNormal", [0, 0.8], 0.5, 10),
        ("Uniform", [-1, 3], 0, 5),
        ("HalfNormal", [2], 1, 3),
        ("HalfCauchy", [1], 0, 20),
        ("HalfStudentT", [4, 1], 0.5, Inf),
    ];

    public static TheoryData<int> Indices => new(Enumerable.Range(0, Truncations.Length));

    private static CdfCase Base(int i) => RealCdfTests.Cases[Truncations[i].Family];

    private static string Label(int i) => $"Truncated({Truncations[i].Family}({string.Join(", ", Truncations[i].P)}), {Truncations[i].Lower}, {Truncations[i].Upper})";

    private static Truncated<IHasCdf> Double(int i, double[] p, double lower, double upper) => Dist.Truncated(Base(i).Double(p), lower, upper);

    /// <summary>The Real truncation of case i's family (a concrete base type, as generated code builds it).</summary>
    private static IRealContinuous Real(int i, Real[] p, Real lower, Real upper) => Truncations[i].Family switch
    {
        "Normal" => RealDist.Truncated(RealDist.Normal(p[0], p[1]), lower, upper),
        "StudentT" => RealDist.Truncated(RealDist.StudentT(p[0], p[1], p[2]), lower, upper),
        "Cauchy" => RealDist.Truncated(RealDist.Cauchy(p[0], p[1]), lower, upper),
        "Laplace" => RealDist.Truncated(RealDist.Laplace(p[0], p[1]), lower, upper),
        "Exponential" => RealDist.Truncated(RealDist.Exponential(p[0]), lower, upper),
        "Gamma" => RealDist.Truncated(RealDist.Gamma(p[0], p[1]), lower, upper),
        "InverseGamma" => RealDist.Truncated(RealDist.InverseGamma(p[0], p[1]), lower, upper),
        "LogNormal" => RealDist.Truncated(RealDist.LogNormal(p[0], p[1]), lower, upper),
        "Uniform" => RealDist.Truncated(RealDist.Uniform(p[0], p[1]), lower, upper),
        "HalfNormal" => RealDist.Truncated(RealDist.HalfNormal(p[0]), lower, upper),
        "HalfCauchy" => RealDist.Truncated(RealDist.HalfCauchy(p[0]), lower, upper),
        "HalfStudentT" => RealDist.Truncated(RealDist.HalfStudentT(p[0], p[1]), lower, upper),
        _ => throw new ArgumentException(Truncations[i].Family),
    };

    /// <summary>Whether each bound cuts the base's support (a bound at or beyond the support's end changes nothing).</summary>
    private static (bool Lower, bool Upper) Cuts(int i)
    {
        var (family, p, l, u) = Truncations[i];
        var c = RealCdfTests.Cases[family];
        return (!double.IsInfinity(l) && l > (double.IsNaN(c.SupportLower) ? p[0] : c.SupportLower),
                !double.IsInfinity(u) && u < (double.IsNaN(c.SupportUpper) ? p[1] : c.SupportUpper));
    }

    private static Truncated<IHasCdf> Double(int i) => Double(i, Truncations[i].P, Truncations[i].Lower, Truncations[i].Upper);

    /// <summary>The truncated support [lo, hi] (the bounds intersected with the base's support).</summary>
    private static (double Lo, double Hi) Ends(int i)
    {
        var (family, p, l, u) = Truncations[i];
        var c = RealCdfTests.Cases[family];
        var (sl, su) = double.IsNaN(c.SupportLower) ? (p[0], p[1]) : (c.SupportLower, c.SupportUpper);
        return (Math.Max(l, sl), Math.Min(u, su));
    }

    /// <summary>
    /// The reference: MathNet's log density scaled at its largest value m on the interval, so that
    /// ∫ₐᵇ p = p(m) ∫ₐᵇ exp(log p − log p(m)) keeps its digits however small p is; the integral is split at m.
    /// </summary>
    private sealed class Reference
    {
        private readonly Func<double, double> _logPdf;
        private readonly double _m, _at, _lo, _hi;

        public Reference(int i)
        {
            var c = Base(i);
            var p = Truncations[i].P;
            _logPdf = t => c.ReferenceLogDensity(p, t);
            (_lo, _hi) = Ends(i);
            // The largest density: on a grid over the interval (or over a window from its finite end), ends included.
            var a = double.IsInfinity(_lo) ? _hi - 50 : _lo;
            var b = double.IsInfinity(_hi) ? _lo + 50 : _hi;
            _m = Enumerable.Range(0, 2001).Select(k => a + (b - a) * k / 2000.0).Where(t => t > _lo && t < _hi).MaxBy(t => _logPdf(t));
            _at = _logPdf(_m);
        }

        private double Scaled(double t)
        {
            var v = _logPdf(t) - _at;
            return double.IsNaN(v) ? 0.0 : Math.Exp(v);
        }

        /// <summary>log ∫ p over [a, b] within the interval.</summary>
        public double LogIntegral(double a, double b)
        {
            a = Math.Max(a, _lo);
            b = Math.Min(b, _hi);
            double total = 0;
            if (a < _m) total += Integrate(Scaled, a, Math.Min(b, _m));
            if (b > _m) total += Integrate(Scaled, Math.Max(a, _m), b);
            return _at + Math.Log(total);
        }

        public double LogZ => LogIntegral(_lo, _hi);

        public double Cdf(double t) => Math.Exp(LogIntegral(_lo, t) - LogZ);
    }

    /// <summary>Points inside the truncated support, through its bijector.</summary>
    private static double[] Points(int i)
    {
        var b = (IScalarBijector)Double(i).Bijector;
        return [.. new[] { -2.0, -0.5, 0.0, 1.0, 2.5 }.Select(b.Forward)];
    }

    [Theory, MemberData(nameof(Indices))]
    public void TheNormaliserMatchesQuadratureAndTheDensityIntegratesToOne(int i)
    {
        var d = Double(i);
        var reference = new Reference(i);
        Close(reference.LogZ, d.LogNormaliser, 1e-9, Label(i) + " log Z");
        var (lo, hi) = Ends(i);
        // ∫ exp(log p − log Z) = exp(reference log Z − log Z).
        var mass = Math.Exp(reference.LogIntegral(lo, hi) - d.LogNormaliser);
        Close(1, mass, 1e-9, Label(i) + " total mass");
        // And the density itself is the base's over Z inside, −∞ outside.
        foreach (var x in Points(i))
            Close(Base(i).Double(Truncations[i].P).LogDensity(x) - d.LogNormaliser, d.LogDensity(x), 1e-14, Label(i) + $" at {x}");
        if (!double.IsInfinity(lo)) Assert.Equal(double.NegativeInfinity, d.LogDensity(lo - 1e-9 * Math.Max(1, Math.Abs(lo))));
        if (!double.IsInfinity(hi)) Assert.Equal(double.NegativeInfinity, d.LogDensity(hi + 1e-9 * Math.Max(1, Math.Abs(hi))));
    }

    [Theory, MemberData(nameof(Indices))]
    public void RealValuesEqualTheDoubleOnesAndGradientsMatchFiniteDifferences(int i)
    {
        var (_, p, l, u) = Truncations[i];
        var tape = Tape.Current;
        // A bound is differentiated when it cuts the support (at the support's end the normaliser has a kink).
        var (lowerCuts, upperCuts) = Cuts(i);
        foreach (var x in Points(i))
        {
            var label = $"{Label(i)} at {x}";
            tape.Reset();
            var xv = tape.Variable(x);
            var pv = p.Select(tape.Variable).ToArray();
            var lv = tape.Variable(l);
            var uv = tape.Variable(u);
            var real = Real(i, pv, lv, uv);
            var y = real.LogDensity(xv);
            Assert.Equal(Double(i).LogDensity(x), y.Value, 13);
            tape.Backward(y);
            double F(double[] q, double lower, double upper, double at) => Double(i, q, lower, upper).LogDensity(at);
            const double step = 1e-5;
            Close(Derivative(v => F(p, l, u, v), x, step), tape.Adjoint(xv), 1e-6, label + " d/dx");
            for (var k = 0; k < p.Length; k++)
                Close(Partial(q => F(q, l, u, x), p, k, step), tape.Adjoint(pv[k]), 1e-6, $"{label} d/dp[{k}]");
            if (lowerCuts) Close(Derivative(v => F(p, v, u, x), l, step), tape.Adjoint(lv), 1e-6, label + " d/dlower");
            else Assert.Equal(0.0, tape.Adjoint(lv));
            if (upperCuts) Close(Derivative(v => F(p, l, v, x), u, step), tape.Adjoint(uv), 1e-6, label + " d/dupper");
            else Assert.Equal(0.0, tape.Adjoint(uv));
            Assert.Null(real.ParameterError);
            Assert.Equal("Truncated", real.Family);
        }
    }

    [Theory, MemberData(nameof(Indices))]
    public void ConstrainIsTheDoubleBijectorDifferentiatedInTheBounds(int i)
    {
        var (_, p, l, u) = Truncations[i];
        var (lowerCuts, upperCuts) = Cuts(i);
        var bijector = (IScalarBijector)Double(i).Bijector;
        var (lo, hi) = Ends(i);
        Assert.Equal(double.IsInfinity(lo) && double.IsInfinity(hi) ? typeof(IdentityBijector)
            : double.IsInfinity(lo) ? typeof(UpperBoundBijector) : double.IsInfinity(hi) ? typeof(LowerBoundBijector) : typeof(IntervalBijector), bijector.GetType());
        var tape = Tape.Current;
        foreach (var w in new[] { -3.0, -0.4, 0.0, 1.1, 4.0 })
        {
            var label = $"{Label(i)} at u = {w}";
            tape.Reset();
            var wv = tape.Variable(w);
            var pv = p.Select(tape.Variable).ToArray();
            var lv = tape.Variable(l);
            var uv = tape.Variable(u);
            Real logJ = 0;
            var real = Real(i, pv, lv, uv);
            var x = real.Constrain(wv, ref logJ);
            Close(bijector.Forward(w), x.Value, 1e-14, label + " x");
            Close(bijector.LogAbsDetJacobian(w), logJ.Value, 1e-13, label + " log J");
            Close(w, real.Unconstrain(x.Value), 1e-8, label + " Unconstrain");
            tape.Backward(x + logJ);
            double G(double lower, double upper, double at)
            {
                var b = (IScalarBijector)Double(i, p, lower, upper).Bijector;
                return b.Forward(at) + b.LogAbsDetJacobian(at);
            }
            Close(Derivative(v => G(l, u, v), w, 1e-5), tape.Adjoint(wv), 1e-7, label + " d/du");
            if (lowerCuts) Close(Derivative(v => G(v, u, w), l, 1e-5), tape.Adjoint(lv), 1e-7, label + " d/dlower");
            if (upperCuts) Close(Derivative(v => G(l, v, w), u, 1e-5), tape.Adjoint(uv), 1e-7, label + " d/dupper");
        }
    }

    [Theory, MemberData(nameof(Indices))]
    public void DrawsFollowTheTruncatedDistribution(int i)
    {
        var d = Double(i);
        var (lo, hi) = Ends(i);
        const int n = 10000;
        var rng = new Rng(1000 + (ulong)i);
        var xs = Enumerable.Range(0, n).Select(_ => d.Sample(rng)).OrderBy(x => x).ToArray();
        Assert.All(xs, x => Assert.InRange(x, lo, hi));
        var reference = new Reference(i);
        for (var q = 1; q < 10; q++)
        {
            var t = xs[q * n / 10];
            var empirical = (double)xs.Count(x => x <= t) / n;
            var expected = reference.Cdf(t);
            Assert.True(Math.Abs(empirical - expected) <= 1.95 / Math.Sqrt(n), $"{Label(i)} at {t}: empirical {empirical}, CDF {expected}");
            // The truncated CDF itself.
            Close(expected, d.Cdf(t), 1e-8, $"{Label(i)} Cdf({t})");
        }
    }

    [Fact]
    public void ABaseWithConstantParametersGivesTheSameTruncationAsItsRealTwin()
    {
        var a = RealDist.Truncated(Dist.Normal(0.5, 2), 0.0, 3.0).LogDensity(1.2).Value;
        var b = RealDist.Truncated(RealDist.Normal(0.5, 2), 0.0, 3.0).LogDensity(1.2).Value;
        Assert.Equal(b, a);
        Assert.Equal(Dist.Truncated(Dist.Normal(0.5, 2), 0, 3).LogDensity(1.2), a, 14);
        Assert.Equal(Dist.Truncated(Dist.Gamma(2, 1), upper: 3).LogDensity(1.2), RealDist.Truncated(Dist.Gamma(2, 1), upper: 3.0).LogDensity(1.2).Value, 14);
        Assert.Equal(Dist.Truncated(Dist.HalfStudentT(3, 1), lower: 0.5).LogDensity(1.2), RealDist.Truncated(Dist.HalfStudentT(3, 1), lower: 0.5).LogDensity(1.2).Value, 14);
        // A Real overload of Dist builds the Real family (what a [Model]'s differentiable form calls inside Truncated).
        Real mu = 0.5;
        Assert.IsType<RealNormal>(Dist.Normal(mu, 2.0));
        Assert.IsType<Normal>(Dist.Normal(0.5, 2));
        Assert.IsType<Truncated<Normal>>(Dist.Truncated(Dist.Normal(0.5, 2), 0, 3));
        Assert.IsType<Truncated<IHasCdf>>(RealDist.Truncated(RealDist.Normal(0.5, 2), 0.0, 3.0).AtValues());
    }

    [Fact]
    public void BadBoundsAndBadBasesThrowMessagesNamingThem()
    {
        var e = Assert.Throws<DistributionParameterException>(() => Dist.Truncated(Dist.Normal(0, 1), 2, 1).LogDensity(1.5));
        Assert.Equal("Truncated: upper must be greater than lower (2), got 1", e.Message);
        e = Assert.Throws<DistributionParameterException>(() => Dist.Truncated(Dist.Normal(0, 1), 1, 1).Sample(new Rng(1)));
        Assert.Contains("upper must be greater than lower (1), got 1", e.Message);
        e = Assert.Throws<DistributionParameterException>(() => Dist.Truncated(Dist.Normal(0, 1), double.NaN, 1).LogDensity(0));
        Assert.Contains("lower must not be NaN", e.Message);
        e = Assert.Throws<DistributionParameterException>(() => Dist.Truncated(Dist.Normal(0, -1), 0, 1).LogDensity(0.5));
        Assert.Equal("Truncated: Normal: sigma must be positive and finite, got -1", e.Message);
        e = Assert.Throws<DistributionParameterException>(() => Dist.Truncated(Dist.Exponential(1), -3, -1).LogDensity(-2));
        Assert.Contains("the interval [-3, -1] has probability 0 under Exponential(1)", e.Message);
        // Over Real: NaN, and the same message.
        Assert.True(double.IsNaN(RealDist.Truncated(RealDist.Normal(0, 1), 2.0, 1.0).LogDensity(1.5).Value));
        Assert.Equal("upper must be greater than lower (2), got 1", RealDist.Truncated(RealDist.Normal(0, 1), 2.0, 1.0).ParameterError);
    }

    [Fact]
    public void FarTailTruncationsKeepTheirDigits()
    {
        // N(0, 1) on [40, 41]: Z ≈ Φ̄(40) ≈ 3.6e−350 is below the smallest double, yet the density is finite and normalised.
        var d = Dist.Truncated(Dist.Normal(0, 1), 40, 41);
        Assert.True(double.IsFinite(d.LogNormaliser));
        var reference = Integrate(x => Math.Exp(d.LogDensity(x)), 40, 41);
        Close(1, reference, 1e-10, "mass on [40, 41]");
        var rng = new Rng(3);
        for (var k = 0; k < 200; k++) Assert.InRange(d.Sample(rng), 40, 41);
        // Its mean is 40 + 1/40 − … : by quadrature.
        var mean = Integrate(x => x * Math.Exp(d.LogDensity(x)), 40, 41);
        var draws = Enumerable.Range(0, 4000).Select(_ => d.Sample(rng)).Average();
        Assert.True(Math.Abs(draws - mean) < 5 * 0.025 / Math.Sqrt(4000), $"mean of draws {draws}, quadrature {mean}");
    }

    [Property(MaxTest = 100)]
    public Property DrawsOfRandomTruncationsLieInTheirBoundsWithFiniteDensity(int seed)
    {
        var rng = new Rng(seed);
        var mu = 10 * (rng.NextDouble() - 0.5);
        var sigma = Math.Exp(2 * rng.NextDouble() - 1);
        // Bounds anywhere from 40 standard deviations below to 40 above, possibly one-sided.
        var a = mu + sigma * (80 * rng.NextDouble() - 40);
        var b = a + sigma * Math.Exp(4 * rng.NextDouble() - 3);
        var kind = rng.Next(3);
        var d = Dist.Truncated(Dist.Normal(mu, sigma), kind == 2 ? double.NegativeInfinity : a, kind == 1 ? double.PositiveInfinity : b);
        var ok = true;
        for (var i = 0; i < 10; i++)
        {
            var x = d.Sample(rng);
            ok &= x >= d.Lower && x <= d.Upper && double.IsFinite(d.LogDensity(x)) && d.LogCdf(x) <= 0;
        }
        return ok.ToProperty();
    }
}
