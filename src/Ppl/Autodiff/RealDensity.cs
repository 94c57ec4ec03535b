using System.Runtime.Intrinsics;

namespace Ppl.Autodiff;

/// <summary>
/// Log densities of the main scalar families over <see cref="Real"/>, each recorded as one fused tape
/// node with hand-derived partials (so a Normal term costs one node, not ten). They agree with the
/// double-valued families in <c>Ppl.Distributions</c>; −∞ outside the support.
/// </summary>
public static partial class RealDensity
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

    /// <summary>Σᵢ log N(zᵢ; 0, 1), recorded as one fused operation (Stan's vectorised <c>std_normal</c>).</summary>
    public static Real StdNormal(ReadOnlySpan<Real> z)
    {
        double ss = 0;
        Span<double> partials = z.Length <= 256 ? stackalloc double[z.Length] : new double[z.Length];
        for (var i = 0; i < z.Length; i++)
        {
            var v = z[i].Value;
            ss += v * v;
            partials[i] = -v;
        }
        return Real.FromPartials(-0.5 * ss - z.Length * HalfLog2Pi, z, partials);
    }

    /// <summary>
    /// Σᵢ log N(yᵢ; meanᵢ, σᵢ²) over constant observations and scales, recorded as one fused operation
    /// (Stan's vectorised <c>normal</c> with data scales).
    /// </summary>
    public static Real Normal(ReadOnlySpan<double> y, ReadOnlySpan<Real> mean, ReadOnlySpan<double> sigma)
    {
        if (mean.Length != y.Length || sigma.Length != y.Length)
            throw new ArgumentException($"Normal: {y.Length} observations need as many means and scales; got {mean.Length} and {sigma.Length}.");
        double value = 0;
        Span<double> partials = y.Length <= 256 ? stackalloc double[y.Length] : new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            var inv = 1.0 / sigma[i];
            var z = (y[i] - mean[i].Value) * inv;
            value += -0.5 * z * z - Math.Log(sigma[i]) - HalfLog2Pi;
            partials[i] = z * inv;
        }
        return Real.FromPartials(value, mean, partials);
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
    /// The logistic-regression log-likelihood Σᵢ log Bernoulli(yᵢ | logit = α + xᵢ·β) over constant data,
    /// evaluated in one vectorised pass and recorded as a handful of tape nodes whatever the number of
    /// rows (Stan's <c>bernoulli_logit_glm</c>): ∂/∂α = Σᵢ (yᵢ − σ(ηᵢ)), ∂/∂βⱼ = Σᵢ (yᵢ − σ(ηᵢ)) xᵢⱼ.
    /// </summary>
    /// <param name="y">The outcomes as 0 or 1, one per row.</param>
    /// <param name="xColumnMajor">The predictors column by column (Stan's and Eigen's layout): column j is
    /// entries [j·n, (j + 1)·n) for n = <paramref name="y"/>.Length, so the products vectorise over rows.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real BernoulliLogitGlm(ReadOnlySpan<double> y, ReadOnlySpan<double> xColumnMajor, Real alpha, ReadOnlySpan<Real> beta) =>
        BernoulliLogitGlm(y, new GlmKernel(xColumnMajor, null, y.Length, beta.Length, nameof(BernoulliLogitGlm)), alpha, beta);

    internal static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var av = Vector256.Create(a);
            for (; i <= x.Length - Vector256<double>.Count; i += Vector256<double>.Count)
                (Vector256.Create(y.Slice(i, Vector256<double>.Count)) + av * Vector256.Create(x.Slice(i, Vector256<double>.Count))).CopyTo(y.Slice(i, Vector256<double>.Count));
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var i = 0;
        double s = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= a.Length - Vector256<double>.Count; i += Vector256<double>.Count)
                acc += Vector256.Create(a.Slice(i, Vector256<double>.Count)) * Vector256.Create(b.Slice(i, Vector256<double>.Count));
            s = Vector256.Sum(acc);
        }
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static double Sum(ReadOnlySpan<double> a)
    {
        var i = 0;
        double s = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var acc = Vector256<double>.Zero;
            for (; i <= a.Length - Vector256<double>.Count; i += Vector256<double>.Count) acc += Vector256.Create(a.Slice(i, Vector256<double>.Count));
            s = Vector256.Sum(acc);
        }
        for (; i < a.Length; i++) s += a[i];
        return s;
    }

    /// <summary>log Poisson(k; exp(logRate)).</summary>
    public static Real PoissonLog(int k, Real logRate)
    {
        var rate = Math.Exp(logRate.Value);
        return Real.Unary(k * logRate.Value - rate - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1.0), logRate, k - rate);
    }
}
