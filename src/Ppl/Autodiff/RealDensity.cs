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

    /// <summary>
    /// Σᵢ log N(yᵢ; μ, σ²) over constant observations sharing one mean and scale, recorded as one node
    /// (the sums of residuals and squared residuals are the sufficient statistics of the derivatives).
    /// </summary>
    public static Real NormalSum(ReadOnlySpan<double> ys, Real mu, Real sigma)
    {
        var inv = 1.0 / sigma.Value;
        double sr = 0, ss = 0;
        foreach (var y in ys)
        {
            var r = y - mu.Value;
            sr += r;
            ss += r * r;
        }
        var n = ys.Length;
        var value = -0.5 * ss * inv * inv - n * (Math.Log(sigma.Value) + HalfLog2Pi);
        return Real.Binary(value, mu, sr * inv * inv, sigma, (ss * inv * inv - n) * inv);
    }

    /// <summary>
    /// The logistic-regression log-likelihood Σᵢ log Bernoulli(yᵢ | logit = α + xᵢ·β) with constant rows
    /// <paramref name="x"/> (row-major, <paramref name="y"/>.Length rows of β.Length columns), evaluated in
    /// one vectorised pass and recorded as a handful of tape nodes whatever the number of rows (Stan's
    /// <c>bernoulli_logit_glm</c>): ∂/∂α = Σᵢ (yᵢ − σ(ηᵢ)), ∂/∂βⱼ = Σᵢ (yᵢ − σ(ηᵢ)) xᵢⱼ.
    /// </summary>
    public static Real BernoulliLogitGlm(ReadOnlySpan<bool> y, ReadOnlySpan<double> x, Real alpha, ReadOnlySpan<Real> beta)
    {
        var d = beta.Length;
        var n = y.Length;
        if (x.Length != n * d)
            throw new ArgumentException($"BernoulliLogitGlm: x has {x.Length} entries; {n} rows of {d} columns need {n * d}.", nameof(x));
        // Values and partials in stack or pooled buffers: the gradient of every coefficient accumulates
        // row by row, so one pass over x gives the value and all the partials.
        Span<double> b = d <= 64 ? stackalloc double[d] : new double[d];
        Span<double> partials = d + 1 <= 65 ? stackalloc double[d + 1] : new double[d + 1];
        for (var j = 0; j < d; j++) b[j] = beta[j].Value;
        partials.Clear();
        var grad = partials[1..];
        double value = 0, da = 0;
        var a = alpha.Value;
        for (var i = 0; i < n; i++)
        {
            var row = x.Slice(i * d, d);
            var eta = a;
            for (var j = 0; j < d; j++) eta += row[j] * b[j];
            // One exp and one log1p per row: with e = exp(−|η|), softplus(±η) = max(±η, 0) + log1p(e) and
            // σ(η) = 1 / (1 + e) or e / (1 + e); log σ(η) = −softplus(−η), log(1 − σ(η)) = −softplus(η),
            // and the residual y − σ(η) is the derivative towards η.
            var e = Math.Exp(-Math.Abs(eta));
            var l1p = MathUtil.Log1p(e);
            var sigma = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
            double r;
            if (y[i])
            {
                value -= Math.Max(-eta, 0) + l1p;
                r = 1.0 - sigma;
            }
            else
            {
                value -= Math.Max(eta, 0) + l1p;
                r = -sigma;
            }
            da += r;
            for (var j = 0; j < d; j++) grad[j] += r * row[j];
        }
        partials[0] = da;
        Span<Real> parents = d + 1 <= 65 ? stackalloc Real[d + 1] : new Real[d + 1];
        parents[0] = alpha;
        beta.CopyTo(parents[1..]);
        return Real.FromPartials(value, parents, partials);
    }

    /// <summary>log Poisson(k; exp(logRate)).</summary>
    public static Real PoissonLog(int k, Real logRate)
    {
        var rate = Math.Exp(logRate.Value);
        return Real.Unary(k * logRate.Value - rate - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0), logRate, k - rate);
    }
}
