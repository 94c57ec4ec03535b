using Xunit;

namespace Ppl.Tests.Autodiff;

/// <summary>
/// Independent numerical references for the math-library tests: a five-point finite difference (error O(h⁴)) and
/// tanh-sinh quadrature, which copes with endpoint singularities and, after a change of variable, infinite ranges.
/// </summary>
public static class Precise
{
    /// <summary>f′(x) by the five-point stencil with step <paramref name="relativeStep"/>·max(1, |x|).</summary>
    public static double Derivative(Func<double, double> f, double x, double relativeStep = 1e-3)
    {
        var h = relativeStep * Math.Max(1, Math.Abs(x));
        return (-f(x + 2 * h) + 8 * f(x + h) - 8 * f(x - h) + f(x - 2 * h)) / (12 * h);
    }

    /// <summary>∂f/∂pᵢ by <see cref="Derivative"/>.</summary>
    public static double Partial(Func<double[], double> f, double[] p, int i, double relativeStep = 1e-3) =>
        Derivative(v =>
        {
            var q = (double[])p.Clone();
            q[i] = v;
            return f(q);
        }, p[i], relativeStep);

    /// <summary>Asserts |expected − actual| ≤ tol·(1 + |expected|).</summary>
    public static void Close(double expected, double actual, double tol, string label)
    {
        if (!double.IsFinite(expected) || !double.IsFinite(actual))
        {
            Assert.True(expected.Equals(actual), $"{label}: expected {expected}, got {actual}");
            return;
        }
        Assert.True(Math.Abs(expected - actual) <= tol * (1 + Math.Abs(expected)), $"{label}: expected {expected:R}, got {actual:R} (difference {Math.Abs(expected - actual):E2})");
    }

    /// <summary>∫ f over [a, b] (either end may be infinite) by tanh-sinh quadrature, refined until two levels agree to 1e-14 relative.</summary>
    public static double Integrate(Func<double, double> f, double a, double b)
    {
        if (double.IsNegativeInfinity(a) && double.IsPositiveInfinity(b)) return Integrate(f, a, 0) + Integrate(f, 0, b);
        // t = end ± c·s/(1 − s) with c the scale of the finite end, so that a range starting far from 0 is resolved.
        if (double.IsPositiveInfinity(b))
        {
            var c = Math.Max(1, Math.Abs(a));
            return TanhSinh(s => s >= 1 ? 0 : c * f(a + c * s / (1 - s)) / ((1 - s) * (1 - s)), 0, 1);
        }
        if (double.IsNegativeInfinity(a))
        {
            var c = Math.Max(1, Math.Abs(b));
            return TanhSinh(s => s >= 1 ? 0 : c * f(b - c * s / (1 - s)) / ((1 - s) * (1 - s)), 0, 1);
        }
        return TanhSinh(f, a, b);
    }

    /// <summary>
    /// log ∫ exp(logDensity) over [x, end] (or [end, x] when <paramref name="upperTail"/> is false), scaled by the density
    /// at x so that tails far below the smallest double keep their digits: logDensity(x) + log ∫ exp(logDensity(t) − logDensity(x)) dt.
    /// Meant for the tail away from the mode (where the density decreases from x); the density at the support's end
    /// may be infinite (an integrable singularity) or undefined (read as 0).
    /// </summary>
    public static double LogTail(Func<double, double> logDensity, double x, bool upperTail, double end)
    {
        var at = logDensity(x);
        double Scaled(double t)
        {
            var v = logDensity(t) - at;
            return double.IsNaN(v) ? 0.0 : Math.Exp(v);
        }
        var integral = upperTail ? Integrate(Scaled, x, end) : Integrate(Scaled, end, x);
        return at + Math.Log(integral);
    }

    private static double TanhSinh(Func<double, double> f, double a, double b)
    {
        var half = 0.5 * (b - a);
        var previous = double.NaN;
        for (var level = 3; level <= 10; level++)
        {
            var h = 1.0 / (1 << level);
            var sum = half * Math.PI / 2 * f(a + half);
            for (var k = 1; k * h <= 4.5; k++)
            {
                var t = k * h;
                var u = Math.PI / 2 * Math.Sinh(t);
                var cu = Math.Cosh(u);
                var w = half * Math.PI / 2 * Math.Cosh(t) / (cu * cu);
                if (w < 1e-300) break;
                // Distance to each end, computed without cancellation: 1 − tanh(u) = 2 / (1 + e^{2u}).
                var d = half * 2 / (1 + Math.Exp(2 * u));
                if (b - d < b) sum += w * f(b - d);
                if (a + d > a) sum += w * f(a + d);
            }
            var integral = sum * h;
            if (Math.Abs(integral - previous) <= 1e-14 * Math.Abs(integral)) return integral;
            previous = integral;
        }
        return previous;
    }
}
