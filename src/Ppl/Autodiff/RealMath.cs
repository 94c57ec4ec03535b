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
}
