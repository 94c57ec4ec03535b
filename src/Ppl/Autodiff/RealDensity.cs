namespace Ppl.Autodiff;

/// <summary>
/// Log densities of the main scalar families over <see cref="Real"/>, each recorded as one fused tape
/// node with hand-derived partials (so a Normal term costs one node, not ten). They agree with the
/// double-valued families in <c>Ppl.Distributions</c>; −∞ outside the support.
/// </summary>
public static class RealDensity
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private const double LogPi = 1.1447298858494002;
    private const double Log2 = 0.69314718055994531;

    /// <summary>log N(x; μ, σ²).</summary>
    public static Real Normal(Real x, Real mu, Real sigma)
    {
        var inv = 1.0 / sigma.Value;
        var z = (x.Value - mu.Value) * inv;
        var value = -0.5 * z * z - Math.Log(sigma.Value) - HalfLog2Pi;
        return Real.Ternary(value, x, -z * inv, mu, z * inv, sigma, (z * z - 1.0) * inv);
    }

    /// <summary>log HalfNormal(x; σ) for x ≥ 0.</summary>
    public static Real HalfNormal(Real x, Real sigma)
    {
        if (x.Value < 0) return double.NegativeInfinity;
        var inv = 1.0 / sigma.Value;
        var z = x.Value * inv;
        return Real.Binary(-0.5 * z * z - Math.Log(sigma.Value) - HalfLog2Pi + Log2, x, -z * inv, sigma, (z * z - 1.0) * inv);
    }

    /// <summary>log Cauchy(x; loc, scale).</summary>
    public static Real Cauchy(Real x, Real loc, Real scale)
    {
        var s = scale.Value;
        var d = x.Value - loc.Value;
        var r = s * s + d * d;
        var value = Math.Log(s) - LogPi - Math.Log(r);
        var dx = -2.0 * d / r;
        return Real.Ternary(value, x, dx, loc, -dx, scale, 1.0 / s - 2.0 * s / r);
    }

    /// <summary>log HalfCauchy(x; scale) for x ≥ 0.</summary>
    public static Real HalfCauchy(Real x, Real scale)
    {
        if (x.Value < 0) return double.NegativeInfinity;
        var s = scale.Value;
        var r = s * s + x.Value * x.Value;
        return Real.Binary(Log2 + Math.Log(s) - LogPi - Math.Log(r), x, -2.0 * x.Value / r, scale, 1.0 / s - 2.0 * s / r);
    }

    /// <summary>log StudentT(x; ν, μ, σ) with constant ν.</summary>
    public static Real StudentT(Real x, double nu, Real mu, Real sigma)
    {
        var s = sigma.Value;
        var z = (x.Value - mu.Value) / s;
        var q = 1 + z * z / nu;
        var value = MathNet.Numerics.SpecialFunctions.GammaLn((nu + 1) / 2) - MathNet.Numerics.SpecialFunctions.GammaLn(nu / 2)
                    - 0.5 * Math.Log(nu * Math.PI) - Math.Log(s) - (nu + 1) / 2 * Math.Log(q);
        // d/dz of −(ν+1)/2 log(1 + z²/ν) = −(ν+1) z / (ν q).
        var dz = -(nu + 1) * z / (nu * q);
        return Real.Ternary(value, x, dz / s, mu, -dz / s, sigma, (-dz * z - 1.0) / s);
    }

    /// <summary>log Exponential(x; rate) for x ≥ 0.</summary>
    public static Real Exponential(Real x, Real rate)
    {
        if (x.Value < 0) return double.NegativeInfinity;
        return Real.Binary(Math.Log(rate.Value) - rate.Value * x.Value, x, -rate.Value, rate, 1.0 / rate.Value - x.Value);
    }

    /// <summary>log Gamma(x; shape α, rate β) for x &gt; 0.</summary>
    public static Real Gamma(Real x, Real shape, Real rate)
    {
        if (x.Value <= 0) return double.NegativeInfinity;
        var a = shape.Value;
        var b = rate.Value;
        var lx = Math.Log(x.Value);
        var value = a * Math.Log(b) - MathNet.Numerics.SpecialFunctions.GammaLn(a) + (a - 1) * lx - b * x.Value;
        return Real.Ternary(value, x, (a - 1) / x.Value - b, shape, Math.Log(b) - MathNet.Numerics.SpecialFunctions.DiGamma(a) + lx, rate, a / b - x.Value);
    }

    /// <summary>log Beta(x; α, β) for 0 &lt; x &lt; 1.</summary>
    public static Real Beta(Real x, Real alpha, Real beta)
    {
        if (x.Value <= 0 || x.Value >= 1) return double.NegativeInfinity;
        return (alpha - 1.0) * RealMath.Log(x) + (beta - 1.0) * RealMath.Log1p(-x) - RealMath.LogBeta(alpha, beta);
    }

    /// <summary>log LogNormal(x; μ, σ) for x &gt; 0.</summary>
    public static Real LogNormal(Real x, Real mu, Real sigma)
    {
        if (x.Value <= 0) return double.NegativeInfinity;
        var lx = RealMath.Log(x);
        return Normal(lx, mu, sigma) - lx;
    }

    /// <summary>log P(y | logit): Bernoulli with success log-odds <paramref name="logit"/>.</summary>
    public static Real BernoulliLogit(bool y, Real logit)
    {
        // log σ(l) = −softplus(−l); log(1 − σ(l)) = −softplus(l).
        var l = logit.Value;
        return y
            ? Real.Unary(-MathUtil.SoftPlus(-l), logit, 1.0 - MathUtil.Logistic(l))
            : Real.Unary(-MathUtil.SoftPlus(l), logit, -MathUtil.Logistic(l));
    }

    /// <summary>log Poisson(k; exp(logRate)).</summary>
    public static Real PoissonLog(int k, Real logRate)
    {
        var rate = Math.Exp(logRate.Value);
        return Real.Unary(k * logRate.Value - rate - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0), logRate, k - rate);
    }
}
