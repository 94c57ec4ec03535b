using Xunit;

namespace Ppl.Tests.Distributions;

/// <summary>Statistical and numerical helpers shared by the distribution tests.</summary>
internal static class TestStats
{
    /// <summary>Checks the sample mean and variance against the expected ones within 5 standard errors.</summary>
    public static void AssertMoments(IReadOnlyList<double> xs, double mean, double variance, string label)
    {
        var n = xs.Count;
        var m = xs.Average();
        double m2 = 0, m4 = 0;
        foreach (var x in xs)
        {
            var d = x - m;
            m2 += d * d;
            m4 += d * d * d * d;
        }
        m2 /= n - 1;
        m4 /= n;
        var seMean = Math.Sqrt(m2 / n);
        // Var of the sample variance ≈ (μ₄ − σ⁴)/n, estimated from the sample's own fourth moment.
        var seVar = Math.Sqrt(Math.Max(m4 - m2 * m2, 0) / n);
        Assert.True(Math.Abs(m - mean) <= 5 * seMean + 1e-12, $"{label}: sample mean {m} vs {mean} (SE {seMean})");
        Assert.True(Math.Abs(m2 - variance) <= 5 * seVar + 1e-12, $"{label}: sample variance {m2} vs {variance} (SE {seVar})");
    }

    /// <summary>Checks an observed frequency against a probability within 5 binomial standard errors.</summary>
    public static void AssertFrequency(int hits, int n, double p, string label)
    {
        var se = Math.Sqrt(p * (1 - p) / n);
        Assert.True(Math.Abs((double)hits / n - p) <= 5 * se, $"{label}: frequency {(double)hits / n} vs {p} (SE {se})");
    }

    /// <summary>∫ f over [a, b], where either end may be infinite (mapped to a finite interval by x = c ± t/(1 − t)).</summary>
    public static double Integrate(Func<double, double> f, double a, double b)
    {
        if (double.IsFinite(a) && double.IsFinite(b)) return Kronrod(f, a, b);
        if (double.IsFinite(a)) return Kronrod(t => f(a + t / (1 - t)) / ((1 - t) * (1 - t)), 0, 1);
        if (double.IsFinite(b)) return Kronrod(t => f(b - t / (1 - t)) / ((1 - t) * (1 - t)), 0, 1);
        return Integrate(f, double.NegativeInfinity, 0) + Integrate(f, 0, double.PositiveInfinity);
    }

    private static double Kronrod(Func<double, double> f, double a, double b) =>
        MathNet.Numerics.Integrate.GaussKronrod(x => { var v = f(x); return double.IsNaN(v) ? 0 : v; }, a, b, 1e-11, 20, 21);

    /// <summary>Asserts |a − b| ≤ tol·max(1, |b|).</summary>
    public static void Close(double expected, double actual, double tol, string label)
    {
        Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)),
            $"{label}: expected {expected}, got {actual}");
    }

    /// <summary>log |det J| of a map ℝⁿ → ℝⁿ by central differences.</summary>
    public static double NumericLogAbsDet(Func<double[], double[]> map, double[] u, double h = 1e-6)
    {
        var n = u.Length;
        var j = new double[n, n];
        for (var c = 0; c < n; c++)
        {
            var up = (double[])u.Clone();
            var dn = (double[])u.Clone();
            up[c] += h;
            dn[c] -= h;
            var fu = map(up);
            var fd = map(dn);
            for (var r = 0; r < n; r++) j[r, c] = (fu[r] - fd[r]) / (2 * h);
        }
        if (n == 0) return 0;
        var det = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(j).Determinant();
        return Math.Log(Math.Abs(det));
    }
}
