using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Autodiff;
using Xunit;
using static Ppl.Tests.Autodiff.Precise;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// The modeler's special functions over <see cref="Real"/> and double: values against naive formulas (where they do not
/// overflow), closed forms and known constants; derivatives against five-point finite differences.
/// </summary>
public class RealMathSpecialTests
{
    private const double EulerGamma = 0.57721566490153286061;

    /// <summary>Unary functions: the Real one, an independent double reference, and points (including hard ones).</summary>
    public static readonly Dictionary<string, (Func<Real, Real> Real, Func<double, double> Reference, double[] Points)> Unary = new()
    {
        // log1p: the reference is the series for tiny x and log(1 + x) where 1 + x is exact enough.
        ["Log1p"] = (RealMath.Log1p, x => Math.Abs(x) < 1e-4 ? x - x * x / 2 + x * x * x / 3 - x * x * x * x / 4 : Math.Log(1 + x), [-0.9, -1e-8, 1e-12, 0.25, 3, 1e6]),
        ["Expm1"] = (RealMath.Expm1, x => Math.Abs(x) < 1e-3 ? x + x * x / 2 + x * x * x / 6 + x * x * x * x / 24 + Math.Pow(x, 5) / 120 : Math.Exp(x) - 1, [-5, -0.5, -1e-9, 3e-6, 2e-4, 0.3, 0.99, 4]),
        ["Log1pExp"] = (RealMath.Log1pExp, x => x > 30 ? x + Math.Exp(-x) : Math.Log(1 + Math.Exp(x)), [-40, -3, 0, 2.5, 35, 800]),
        ["Log1mExp"] = (RealMath.Log1mExp, x => x > -1e-4 ? Math.Log(-x * (1 + x / 2 + x * x / 6)) : Math.Log(1 - Math.Exp(x)), [-50, -3, -0.7, -0.1, -1e-6, -1e-12]),
        ["Digamma"] = (RealMath.Digamma, DigammaReference, [0.05, 0.5, 1, 2.5, 7.3, 40, -0.5, -2.3]),
        ["LogGamma"] = (RealMath.LogGamma, x => Math.Log(GammaByProduct(x)), [0.3, 1, 2.5, 6.2, 12]),
    };

    public static TheoryData<string> UnaryNames => new(Unary.Keys);

    [Theory, MemberData(nameof(UnaryNames))]
    public void UnaryValuesAndDerivatives(string name)
    {
        var (real, reference, points) = Unary[name];
        var tape = Tape.Current;
        foreach (var x in points)
        {
            tape.Reset();
            var xv = tape.Variable(x);
            var y = real(xv);
            Close(reference(x), y.Value, 1e-13, $"{name}({x})");
            tape.Backward(y);
            // The derivative against a finite difference of the function itself (a step that stays inside the domain).
            var step = name == "Log1mExp" ? 1e-4 * Math.Min(1, Math.Abs(x)) : name == "Log1p" ? 1e-4 : name == "Digamma" ? 1e-3 * Math.Min(1, Math.Abs(x)) : 1e-3;
            Close(Derivative(v => real(v).Value, x, step), tape.Adjoint(xv), 1e-8, $"{name}'({x})");
        }
    }

    [Fact]
    public void DoubleOverloadsAgreeWithTheRealOnes()
    {
        foreach (var x in new[] { -3.0, -0.2, 1e-9, 0.7, 5 })
        {
            Assert.Equal(RealMath.Log1p((Real)x).Value, RealMath.Log1p(x));
            Assert.Equal(RealMath.Expm1((Real)x).Value, RealMath.Expm1(x));
            Assert.Equal(RealMath.Log1pExp((Real)x).Value, RealMath.Log1pExp(x));
            Assert.Equal(RealMath.Softplus((Real)x).Value, RealMath.Softplus(x));
            Assert.Equal(RealMath.Log1mExp((Real)(-Math.Abs(x))).Value, RealMath.Log1mExp(-Math.Abs(x)));
            Assert.Equal(RealMath.LogSumExp((Real)x, (Real)1.5).Value, RealMath.LogSumExp(x, 1.5));
            Assert.Equal(RealMath.LogDiffExp((Real)(x + 1), (Real)x).Value, RealMath.LogDiffExp(x + 1, x));
            Assert.Equal(RealMath.LogMix((Real)0.3, (Real)x, (Real)(-1.0)).Value, RealMath.LogMix(0.3, x, -1.0));
            Assert.Equal(RealMath.Digamma((Real)(Math.Abs(x) + 0.1)).Value, RealMath.Digamma(Math.Abs(x) + 0.1));
            Assert.Equal(RealMath.LogBeta((Real)(Math.Abs(x) + 0.1), (Real)2.0).Value, RealMath.LogBeta(Math.Abs(x) + 0.1, 2.0));
            Assert.Equal(RealMath.Lbeta((Real)(Math.Abs(x) + 0.1), (Real)2.0).Value, RealMath.Lbeta(Math.Abs(x) + 0.1, 2.0));
        }
    }

    [Fact]
    public void DigammaAndTrigammaAtKnownPoints()
    {
        // MathNet's digamma is accurate to a few units in the last place.
        Close(-EulerGamma, RealMath.Digamma(1.0), 1e-14, "ψ(1)");
        Close(-EulerGamma - 2 * Math.Log(2), RealMath.Digamma(0.5), 1e-14, "ψ(1/2)");
        Close(Math.PI * Math.PI / 6, RealMath.Trigamma(1.0), 1e-15, "ψ₁(1)");
        Close(Math.PI * Math.PI / 2, RealMath.Trigamma(0.5), 1e-15, "ψ₁(1/2)");
        Close(Math.PI * Math.PI / 2 + 4, RealMath.Trigamma(-0.5), 1e-14, "ψ₁(−1/2)");
        // ψ₁(n) = π²/6 − Σ_{k<n} 1/k², and ψ₁(n + ½) = π²/2 − 4 Σ_{k≤n} 1/(2k − 1)².
        foreach (var n in new[] { 2, 5, 11, 30, 100 })
        {
            var partial = 0.0;
            for (var k = 1; k < n; k++) partial += 1.0 / ((double)k * k);
            Close(Math.PI * Math.PI / 6 - partial, RealMath.Trigamma(n), 1e-13, $"ψ₁({n})");
            var odd = 0.0;
            for (var k = 1; k <= n; k++) odd += 1.0 / ((2.0 * k - 1) * (2.0 * k - 1));
            Close(Math.PI * Math.PI / 2 - 4 * odd, RealMath.Trigamma(n + 0.5), 1e-13, $"ψ₁({n} + 1/2)");
        }
        Assert.Equal(double.PositiveInfinity, RealMath.Trigamma(0));
        Assert.Equal(double.PositiveInfinity, RealMath.Trigamma(-3));
        // The trigamma function is the derivative of MathNet's digamma.
        foreach (var x in new[] { 0.2, 0.9, 3.3, 9.99, 10.01, 55.0, -1.3 })
            Close(Derivative(RealMath.Digamma, x, 1e-4 * Math.Min(1, Math.Abs(x))), RealMath.Trigamma(x), 1e-8, $"ψ₁({x}) against dψ/dx");
    }

    [Fact]
    public void LogSumExpAndLogDiffExpAreStableAndDifferentiated()
    {
        var tape = Tape.Current;
        foreach (var (a, b) in new[] { (0.3, -1.2), (-2.0, 4.0), (700.0, 699.0), (-800.0, -801.5), (5.0, double.NegativeInfinity) })
        {
            var expected = Math.Max(a, b) + Math.Log(1 + Math.Exp(-Math.Abs(a - b)));
            tape.Reset();
            var av = tape.Variable(a);
            var bv = tape.Variable(b);
            var y = RealMath.LogSumExp(av, bv);
            Close(expected, y.Value, 1e-15, $"LogSumExp({a}, {b})");
            tape.Backward(y);
            // ∂/∂a = eᵃ / (eᵃ + eᵇ).
            Close(1 / (1 + Math.Exp(b - a)), tape.Adjoint(av), 1e-15, $"LogSumExp({a}, {b}) d/da");
            Close(1 / (1 + Math.Exp(a - b)), tape.Adjoint(bv), 1e-15, $"LogSumExp({a}, {b}) d/db");
        }
        foreach (var (a, b) in new[] { (0.3, -1.2), (4.0, 3.9999), (700.0, 699.0), (-800.0, -801.5), (0.0, -1e-20), (2.0, double.NegativeInfinity) })
        {
            // log(eᵃ − eᵇ) = a + log(1 − e^{b−a}) with the naive log(1 − e^d) where it is exact and log(−d) where d is tiny.
            var d = b - a;
            var expected = a + (d > -1e-10 ? Math.Log(-d) : Math.Log(1 - Math.Exp(d)));
            tape.Reset();
            var av = tape.Variable(a);
            var bv = tape.Variable(b);
            var y = RealMath.LogDiffExp(av, bv);
            Close(expected, y.Value, 1e-12, $"LogDiffExp({a}, {b})");
            tape.Backward(y);
            // ∂/∂a = eᵃ / (eᵃ − eᵇ) = −1 / (e^d − 1), ∂/∂b = e^d / (e^d − 1), with e^d − 1 by its series where d is tiny.
            var em1 = Math.Abs(d) < 1e-5 ? d + d * d / 2 + d * d * d / 6 : Math.Exp(d) - 1;
            Close(-1 / em1, tape.Adjoint(av), 1e-9, $"LogDiffExp({a}, {b}) d/da");
            Close(Math.Exp(d) / em1, tape.Adjoint(bv), 1e-9, $"LogDiffExp({a}, {b}) d/db");
        }
        Assert.Equal(double.NegativeInfinity, RealMath.LogDiffExp((Real)1.5, (Real)1.5).Value);
        Assert.True(double.IsNaN(RealMath.LogDiffExp((Real)1, (Real)2).Value));
        Assert.True(double.IsNaN(RealMath.Log1mExp((Real)0.5).Value));
    }

    [Fact]
    public void LogSumExpOfASpanIsOneFusedOperationWithSoftmaxPartials()
    {
        var tape = Tape.Current;
        double[] xs = [0.4, -1.3, 2.2, 0.0, -5];
        tape.Reset();
        var v = xs.Select(tape.Variable).ToArray();
        var before = tape.Count;
        var y = RealMath.LogSumExp(v);
        Assert.True(tape.Count - before <= 2);
        Close(Math.Log(xs.Sum(Math.Exp)), y.Value, 1e-15, "LogSumExp");
        tape.Backward(y);
        var total = xs.Sum(Math.Exp);
        for (var i = 0; i < xs.Length; i++) Close(Math.Exp(xs[i]) / total, tape.Adjoint(v[i]), 1e-15, $"d/dx{i}");
        // Large values: no overflow.
        Close(1000 + Math.Log(1 + Math.Exp(-1) + Math.Exp(-2)), RealMath.LogSumExp([(Real)1000, (Real)999, (Real)998]).Value, 1e-15, "LogSumExp large");
        Assert.Equal(double.NegativeInfinity, RealMath.LogSumExp(ReadOnlySpan<Real>.Empty).Value);
        Assert.Equal(double.NegativeInfinity, RealMath.LogSumExp([(Real)double.NegativeInfinity, (Real)double.NegativeInfinity]).Value);
        Assert.True(double.IsNaN(RealMath.LogSumExp([(Real)1, (Real)double.NaN]).Value));
    }

    [Fact]
    public void LogMixIsTheLogOfTheMixtureDensity()
    {
        var tape = Tape.Current;
        foreach (var (t, l1, l2) in new[] { (0.3, -1.2, -0.4), (0.9, -40.0, -2.0), (0.0, -1.0, -3.0), (1.0, -1.0, -3.0), (0.5, -800.0, -801.0) })
        {
            var expected = l1 < -700 ? -800 + Math.Log(t + (1 - t) * Math.Exp(l2 + 800)) : Math.Log(t * Math.Exp(l1) + (1 - t) * Math.Exp(l2));
            tape.Reset();
            var tv = tape.Variable(t);
            var a = tape.Variable(l1);
            var b = tape.Variable(l2);
            var y = RealMath.LogMix(tv, a, b);
            Close(expected, y.Value, 1e-13, $"LogMix({t}, {l1}, {l2})");
            tape.Backward(y);
            double F(double tt, double x1, double x2) => RealMath.LogMix(tt, x1, x2);
            if (t > 0 && t < 1) Close(Derivative(q => F(q, l1, l2), t, 1e-4), tape.Adjoint(tv), 1e-8, "d/dθ");
            Close(Derivative(q => F(t, q, l2), l1, 1e-6), tape.Adjoint(a), 1e-8, "d/dλ1");
            Close(Derivative(q => F(t, l1, q), l2, 1e-6), tape.Adjoint(b), 1e-8, "d/dλ2");
        }
        Assert.True(double.IsNaN(RealMath.LogMix((Real)1.2, (Real)0, (Real)0).Value));
        Assert.True(double.IsNaN(RealMath.LogMix(-0.1, 0, 0)));

        // The vector form with three components.
        double[] theta = [0.2, 0.5, 0.3];
        double[] lambda = [-1.0, -3.5, 0.2];
        tape.Reset();
        var tvs = theta.Select(tape.Variable).ToArray();
        var lvs = lambda.Select(tape.Variable).ToArray();
        var m = RealMath.LogMix(tvs, lvs);
        var direct = Math.Log(theta.Zip(lambda, (th, l) => th * Math.Exp(l)).Sum());
        Close(direct, m.Value, 1e-15, "LogMix(θ[], λ[])");
        Close(direct, RealMath.LogMix(theta, lambda), 1e-15, "LogMix(double[], double[])");
        tape.Backward(m);
        for (var k = 0; k < 3; k++)
        {
            Close(Math.Exp(lambda[k]) / Math.Exp(direct), tape.Adjoint(tvs[k]), 1e-14, $"d/dθ{k}");
            Close(theta[k] * Math.Exp(lambda[k]) / Math.Exp(direct), tape.Adjoint(lvs[k]), 1e-14, $"d/dλ{k}");
        }
        var ex = Assert.Throws<ArgumentException>(() => RealMath.LogMix([(Real)1], [(Real)0, (Real)1]));
        Assert.Contains("theta", ex.Message);
        Assert.Contains("lambda", ex.Message);
    }

    [Fact]
    public void SoftmaxAndLogSoftmaxWithTheirJacobians()
    {
        var tape = Tape.Current;
        double[] xs = [0.4, -1.3, 2.2, 0.0];
        var total = xs.Sum(Math.Exp);
        for (var i = 0; i < xs.Length; i++)
        {
            tape.Reset();
            var v = xs.Select(tape.Variable).ToArray();
            var s = RealMath.Softmax(v);
            var ls = RealMath.LogSoftmax(v);
            Close(Math.Exp(xs[i]) / total, s[i].Value, 1e-15, $"softmax {i}");
            Close(xs[i] - Math.Log(total), ls[i].Value, 1e-15, $"log softmax {i}");
            Close(Math.Exp(xs[i]) / total, RealMath.Softmax(xs)[i], 1e-15, $"softmax (double) {i}");
            Close(xs[i] - Math.Log(total), RealMath.LogSoftmax(xs)[i], 1e-15, $"log softmax (double) {i}");
            tape.Backward(s[i]);
            for (var j = 0; j < xs.Length; j++)
                Close(Partial(p => RealMath.Softmax(p)[i], xs, j), tape.Adjoint(v[j]), 1e-9, $"∂s{i}/∂x{j}");
            tape.Backward(ls[i]);
            for (var j = 0; j < xs.Length; j++)
                Close(Partial(p => RealMath.LogSoftmax(p)[i], xs, j), tape.Adjoint(v[j]), 1e-9, $"∂ls{i}/∂x{j}");
        }
        // No overflow for large inputs.
        var big = RealMath.Softmax([1000.0, 1000.0]);
        Assert.Equal(0.5, big[0], 15);
    }

    // ---- Properties (fixed replay seed in FsCheckConfig).

    private static double[] Draw(int seed, int n, double scale)
    {
        var rng = new Rng((ulong)(uint)seed);
        return Enumerable.Range(0, n).Select(_ => scale * (2 * rng.NextDouble() - 1)).ToArray();
    }

    [Property(MaxTest = 100)]
    public Property LogSumExpIsShiftEquivariantAndBoundedByMaxPlusLogN(int seed, byte size, short shift)
    {
        var n = 1 + size % 12;
        var xs = Draw(seed, n, 50);
        var lse = RealMath.LogSumExp(xs);
        var shifted = RealMath.LogSumExp(xs.Select(x => x + shift).ToArray());
        var max = xs.Max();
        return (Math.Abs(shifted - lse - shift) <= 1e-12 * (1 + Math.Abs(shifted)) && lse >= max - 1e-12 && lse <= max + Math.Log(n) + 1e-12).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property SoftmaxIsASimplexAndItsGradientsSumToZero(int seed, byte size)
    {
        var n = 1 + size % 10;
        var xs = Draw(seed, n, 30);
        var tape = Tape.Current;
        tape.Reset();
        var v = xs.Select(tape.Variable).ToArray();
        var s = RealMath.Softmax(v);
        var sum = s.Sum(r => r.Value);
        // Σᵢ sᵢ = 1 for all x, so its gradient is 0.
        var total = RealMath.Sum(s);
        tape.Backward(total);
        var gradientOfSum = v.Sum(tape.Adjoint);
        // The gradient of log-sum-exp is softmax.
        tape.Backward(RealMath.LogSumExp(v));
        var agree = true;
        for (var i = 0; i < n; i++) agree &= Math.Abs(tape.Adjoint(v[i]) - s[i].Value) <= 1e-14;
        return (Math.Abs(sum - 1) <= 1e-13 && Math.Abs(gradientOfSum) <= 1e-13 && agree && s.All(r => r.Value >= 0)).ToProperty();
    }

    [Property(MaxTest = 100)]
    public Property LogMixLiesBetweenItsComponentsAndLogDiffExpInvertsLogSumExp(int seed)
    {
        var rng = new Rng((ulong)(uint)seed);
        var theta = rng.NextDouble();
        var l1 = 20 * (rng.NextDouble() - 0.5);
        var l2 = 20 * (rng.NextDouble() - 0.5);
        var m = RealMath.LogMix(theta, l1, l2);
        var within = m >= Math.Min(l1, l2) - 1e-12 && m <= Math.Max(l1, l2) + 1e-12;
        // log(eᵃ + eᵇ) − … : LogDiffExp(LogSumExp(a, b), b) = a.
        var back = RealMath.LogDiffExp(RealMath.LogSumExp(l1, l2), l2);
        return (within && Math.Abs(back - l1) <= 1e-9 * (1 + Math.Abs(l1)) * Math.Max(1, Math.Exp(l2 - l1))).ToProperty();
    }

    // ---- Independent references.

    /// <summary>Γ(x) for x &gt; 0 by the recurrence down to (0, 1] and Euler's product limit via Stirling with many terms.</summary>
    private static double GammaByProduct(double x)
    {
        // Γ(x) = Γ(x + n) / (x (x + 1) … (x + n − 1)), and Γ(z) for z ≥ 20 by Stirling's series (error ~1e-19).
        var product = 1.0;
        while (x < 20)
        {
            product *= x;
            x += 1;
        }
        var series = 1.0 / (12 * x) - 1.0 / (360 * x * x * x) + 1.0 / (1260 * Math.Pow(x, 5)) - 1.0 / (1680 * Math.Pow(x, 7));
        return Math.Exp((x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + series) / product;
    }

    /// <summary>ψ(x) by the recurrence up to 20, then the asymptotic series; reflection below 0.</summary>
    private static double DigammaReference(double x)
    {
        if (x < 0) return DigammaReference(1 - x) - Math.PI / Math.Tan(Math.PI * x);
        var acc = 0.0;
        while (x < 20)
        {
            acc -= 1 / x;
            x += 1;
        }
        var inv2 = 1 / (x * x);
        return acc + Math.Log(x) - 0.5 / x - inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240))));
    }
}
