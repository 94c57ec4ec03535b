namespace Ppl;

/// <summary>Numerically careful elementary functions used across Ppl (log-space arithmetic above all).</summary>
public static class MathUtil
{
    /// <summary>log(1 + x), accurate for small x (Goldberg's trick; .NET's LogP1 is not).</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>exp(x) − 1, accurate for small x (Taylor below 1e-5, Kahan's (eˣ − 1)·x / log eˣ below 1, which cancels the rounding of eˣ).</summary>
    public static double Expm1(double x)
    {
        var ax = Math.Abs(x);
        if (ax < 1e-5) return x + 0.5 * x * x + x * x * x / 6.0;
        var u = Math.Exp(x);
        if (ax >= 1) return u - 1.0;
        return (u - 1.0) * x / Math.Log(u);
    }

    /// <summary>log(1 + eˣ) without overflow.</summary>
    public static double SoftPlus(double x) => x > 0 ? x + Log1p(Math.Exp(-x)) : Log1p(Math.Exp(x));

    /// <summary>The logistic function 1 / (1 + e⁻ˣ), stable for large |x|.</summary>
    public static double Logistic(double x) => x >= 0 ? 1.0 / (1.0 + Math.Exp(-x)) : Math.Exp(x) / (1.0 + Math.Exp(x));

    /// <summary>log(1 − eˣ) for x ≤ 0 (Mächler's recipe).</summary>
    public static double Log1mExp(double x) => x > -0.6931471805599453 ? Math.Log(-Expm1(x)) : Log1p(-Math.Exp(x));

    /// <summary>log Σ exp(xᵢ), stable; −∞ for an empty span or all −∞.</summary>
    public static double LogSumExp(ReadOnlySpan<double> xs)
    {
        var max = double.NegativeInfinity;
        foreach (var x in xs) if (x > max) max = x;
        if (double.IsNegativeInfinity(max)) return max;
        if (double.IsPositiveInfinity(max)) return max;
        double s = 0;
        foreach (var x in xs) s += Math.Exp(x - max);
        return max + Math.Log(s);
    }

    /// <summary>log(eᵃ + eᵇ).</summary>
    public static double LogAddExp(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        var m = Math.Max(a, b);
        return m + Log1p(Math.Exp(-Math.Abs(a - b)));
    }

    /// <summary>x·log(y), defined as 0 when x = 0 (so that 0·log 0 = 0, as in probability masses at the edge of a parameter range).</summary>
    public static double XLogY(double x, double y) => x == 0 ? 0.0 : x * Math.Log(y);

    /// <summary>x·log(1 + y), defined as 0 when x = 0.</summary>
    public static double XLog1pY(double x, double y) => x == 0 ? 0.0 : x * Log1p(y);
}
