using MathNet.Numerics;

namespace Ppl.Autodiff;

/// <summary>Differentiable elementary functions over <see cref="Real"/>.</summary>
public static class RealMath
{
    /// <summary>exp.</summary>
    public static Real Exp(Real x)
    {
        var e = Math.Exp(x.Value);
        return Real.Unary(e, x, e);
    }

    /// <summary>Natural logarithm.</summary>
    public static Real Log(Real x) => Real.Unary(Math.Log(x.Value), x, 1.0 / x.Value);

    /// <summary>log(1 + x), accurate near 0.</summary>
    public static Real Log1p(Real x) => Real.Unary(MathUtil.Log1p(x.Value), x, 1.0 / (1.0 + x.Value));

    /// <summary>Square root.</summary>
    public static Real Sqrt(Real x)
    {
        var s = Math.Sqrt(x.Value);
        return Real.Unary(s, x, 0.5 / s);
    }

    /// <summary>x².</summary>
    public static Real Square(Real x) => Real.Unary(x.Value * x.Value, x, 2.0 * x.Value);

    /// <summary>x to a constant power.</summary>
    public static Real Pow(Real x, double p)
    {
        var v = Math.Pow(x.Value, p);
        return Real.Unary(v, x, p * Math.Pow(x.Value, p - 1));
    }

    /// <summary>x^y for positive x.</summary>
    public static Real Pow(Real x, Real y)
    {
        var v = Math.Pow(x.Value, y.Value);
        return Real.Binary(v, x, y.Value * Math.Pow(x.Value, y.Value - 1), y, v * Math.Log(x.Value));
    }

    /// <summary>|x| (derivative sign(x), 0 at 0).</summary>
    public static Real Abs(Real x) => Real.Unary(Math.Abs(x.Value), x, Math.Sign(x.Value));

    /// <summary>Hyperbolic tangent.</summary>
    public static Real Tanh(Real x)
    {
        var t = Math.Tanh(x.Value);
        return Real.Unary(t, x, 1 - t * t);
    }

    /// <summary>The logistic function 1 / (1 + e⁻ˣ).</summary>
    public static Real Logistic(Real x)
    {
        var s = MathUtil.Logistic(x.Value);
        return Real.Unary(s, x, s * (1 - s));
    }

    /// <summary>log(1 + eˣ), stable for large |x|.</summary>
    public static Real Softplus(Real x) => Real.Unary(MathUtil.SoftPlus(x.Value), x, MathUtil.Logistic(x.Value));

    /// <summary>log Γ(x) for x &gt; 0 (derivative: digamma).</summary>
    public static Real LogGamma(Real x) => Real.Unary(SpecialFunctions.GammaLn(x.Value), x, SpecialFunctions.DiGamma(x.Value));

    /// <summary>log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b).</summary>
    public static Real LogBeta(Real a, Real b)
    {
        var dab = SpecialFunctions.DiGamma(a.Value + b.Value);
        return Real.Binary(
            SpecialFunctions.GammaLn(a.Value) + SpecialFunctions.GammaLn(b.Value) - SpecialFunctions.GammaLn(a.Value + b.Value),
            a, SpecialFunctions.DiGamma(a.Value) - dab, b, SpecialFunctions.DiGamma(b.Value) - dab);
    }

    /// <summary>Σⱼ wⱼ cⱼ with constant coefficients, recorded as one fused operation (about one tape node per two terms).</summary>
    public static Real Dot(ReadOnlySpan<Real> w, ReadOnlySpan<double> c)
    {
        if (w.Length != c.Length) throw new ArgumentException($"Dot needs spans of equal length; got {w.Length} and {c.Length}.");
        double acc = 0;
        for (var j = 0; j < w.Length; j++) acc += w[j].Value * c[j];
        // The partial towards wⱼ is cⱼ itself.
        return Real.FromPartials(acc, w, c);
    }

    /// <summary>Sum of the terms, recorded as one fused operation (about one tape node per two terms).</summary>
    public static Real Sum(ReadOnlySpan<Real> xs)
    {
        double total = 0;
        foreach (var x in xs) total += x.Value;
        Span<double> ones = xs.Length <= 256 ? stackalloc double[xs.Length] : new double[xs.Length];
        ones.Fill(1.0);
        return Real.FromPartials(total, xs, ones);
    }

    // ---- Counterparts of System.Math, so that model code written with Math.F compiles over Real. ----
    // Each value is the one Math.F gives; the derivative is exact (a subgradient at kinks).

    private const double Ln10 = 2.30258509299404568402;
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>Base-10 logarithm (<see cref="Math.Log10"/>).</summary>
    public static Real Log10(Real x) => Real.Unary(Math.Log10(x.Value), x, 1.0 / (x.Value * Ln10));

    /// <summary>Base-2 logarithm (<see cref="Math.Log2"/>).</summary>
    public static Real Log2(Real x) => Real.Unary(Math.Log2(x.Value), x, 1.0 / (x.Value * Ln2));

    /// <summary>Cube root (<see cref="Math.Cbrt"/>); the derivative 1 / (3 ∛x²) is infinite at 0.</summary>
    public static Real Cbrt(Real x)
    {
        var c = Math.Cbrt(x.Value);
        return Real.Unary(c, x, 1.0 / (3.0 * c * c));
    }

    /// <summary>eˣ − 1, accurate near 0 (derivative eˣ).</summary>
    public static Real Expm1(Real x) => Real.Unary(MathUtil.Expm1(x.Value), x, Math.Exp(x.Value));

    /// <summary>A constant base to a variable power: xʸ (derivative xʸ log x towards y).</summary>
    public static Real Pow(double x, Real y)
    {
        var v = Math.Pow(x, y.Value);
        return Real.Unary(v, y, v * Math.Log(x));
    }

    /// <summary>Sine.</summary>
    public static Real Sin(Real x) => Real.Unary(Math.Sin(x.Value), x, Math.Cos(x.Value));

    /// <summary>Cosine.</summary>
    public static Real Cos(Real x) => Real.Unary(Math.Cos(x.Value), x, -Math.Sin(x.Value));

    /// <summary>Tangent.</summary>
    public static Real Tan(Real x)
    {
        var t = Math.Tan(x.Value);
        return Real.Unary(t, x, 1.0 + t * t);
    }

    /// <summary>Arcsine (derivative 1 / √(1 − x²)).</summary>
    public static Real Asin(Real x) => Real.Unary(Math.Asin(x.Value), x, 1.0 / Math.Sqrt(1.0 - x.Value * x.Value));

    /// <summary>Arccosine (derivative −1 / √(1 − x²)).</summary>
    public static Real Acos(Real x) => Real.Unary(Math.Acos(x.Value), x, -1.0 / Math.Sqrt(1.0 - x.Value * x.Value));

    /// <summary>Arctangent (derivative 1 / (1 + x²)).</summary>
    public static Real Atan(Real x) => Real.Unary(Math.Atan(x.Value), x, 1.0 / (1.0 + x.Value * x.Value));

    /// <summary>The angle of the point (x, y) (<see cref="Math.Atan2"/>): derivatives x / r² towards y and −y / r² towards x.</summary>
    public static Real Atan2(Real y, Real x)
    {
        var r2 = x.Value * x.Value + y.Value * y.Value;
        return Real.Binary(Math.Atan2(y.Value, x.Value), y, x.Value / r2, x, -y.Value / r2);
    }

    /// <summary>Hyperbolic sine.</summary>
    public static Real Sinh(Real x) => Real.Unary(Math.Sinh(x.Value), x, Math.Cosh(x.Value));

    /// <summary>Hyperbolic cosine.</summary>
    public static Real Cosh(Real x) => Real.Unary(Math.Cosh(x.Value), x, Math.Sinh(x.Value));

    /// <summary>Inverse hyperbolic sine (derivative 1 / √(x² + 1)).</summary>
    public static Real Asinh(Real x) => Real.Unary(Math.Asinh(x.Value), x, 1.0 / Math.Sqrt(x.Value * x.Value + 1.0));

    /// <summary>Inverse hyperbolic cosine (derivative 1 / √(x² − 1)).</summary>
    public static Real Acosh(Real x) => Real.Unary(Math.Acosh(x.Value), x, 1.0 / Math.Sqrt(x.Value * x.Value - 1.0));

    /// <summary>Inverse hyperbolic tangent (derivative 1 / (1 − x²)).</summary>
    public static Real Atanh(Real x) => Real.Unary(Math.Atanh(x.Value), x, 1.0 / (1.0 - x.Value * x.Value));

    /// <summary>
    /// The larger operand, as <see cref="Math.Max(double, double)"/> chooses it (NaN wins, +0 beats −0): the
    /// result is that operand itself, so the derivative goes to it alone.
    /// </summary>
    public static Real Max(Real a, Real b)
    {
        if (double.IsNaN(a.Value)) return a;
        if (double.IsNaN(b.Value)) return b;
        if (a.Value > b.Value) return a;
        if (b.Value > a.Value) return b;
        return double.IsNegative(a.Value) ? b : a;
    }

    /// <summary>
    /// The smaller operand, as <see cref="Math.Min(double, double)"/> chooses it (NaN wins, −0 beats +0): the
    /// result is that operand itself, so the derivative goes to it alone.
    /// </summary>
    public static Real Min(Real a, Real b)
    {
        if (double.IsNaN(a.Value)) return a;
        if (double.IsNaN(b.Value)) return b;
        if (a.Value < b.Value) return a;
        if (b.Value < a.Value) return b;
        return double.IsNegative(a.Value) ? a : b;
    }

    /// <summary>
    /// <paramref name="x"/> limited to [<paramref name="lo"/>, <paramref name="hi"/>] as by
    /// <see cref="Math.Clamp(double, double, double)"/> (which throws when lo &gt; hi): x itself inside
    /// (derivative 1 towards x), the bound it passed outside (derivative 0 towards x, 1 towards that bound).
    /// </summary>
    public static Real Clamp(Real x, Real lo, Real hi)
    {
        _ = Math.Clamp(x.Value, lo.Value, hi.Value); // the argument check, with Math's exception
        if (x.Value < lo.Value) return lo;
        if (x.Value > hi.Value) return hi;
        return x;
    }

    /// <summary>The largest integer ≤ x, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Floor(Real x) => Math.Floor(x.Value);

    /// <summary>The smallest integer ≥ x, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Ceiling(Real x) => Math.Ceiling(x.Value);

    /// <summary>x rounded towards zero, as a constant (its derivative is 0 almost everywhere).</summary>
    public static Real Truncate(Real x) => Math.Truncate(x.Value);

    /// <summary>x rounded to the nearest integer (ties to even, as <see cref="Math.Round(double)"/>), as a constant.</summary>
    public static Real Round(Real x) => Math.Round(x.Value);

    /// <summary>x rounded to <paramref name="digits"/> fractional digits (as <see cref="Math.Round(double, int)"/>), as a constant.</summary>
    public static Real Round(Real x, int digits) => Math.Round(x.Value, digits);

    /// <summary>x rounded to an integer with the rule <paramref name="mode"/> (as <see cref="Math.Round(double, MidpointRounding)"/>), as a constant.</summary>
    public static Real Round(Real x, MidpointRounding mode) => Math.Round(x.Value, mode);

    /// <summary>x rounded to <paramref name="digits"/> fractional digits with the rule <paramref name="mode"/>, as a constant.</summary>
    public static Real Round(Real x, int digits, MidpointRounding mode) => Math.Round(x.Value, digits, mode);

    /// <summary>
    /// The sign of x as −1, 0 or 1. Like <see cref="Math.Sign(double)"/> it is an int (so code that stores it
    /// in an int still compiles; it converts to a constant <see cref="Real"/> where one is needed) and it
    /// throws <see cref="ArithmeticException"/> for NaN.
    /// </summary>
    public static int Sign(Real x) => Math.Sign(x.Value);
}
