using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The negative binomial distribution counting failures before the r-th success, P(k) = Γ(k + r) / (k! Γ(r)) ·
/// pʳ (1 − p)ᵏ, over <see cref="Real"/> parameters: the differentiable counterpart of
/// <see cref="NegativeBinomial"/> (same parameterisation). The derivative in r needs digamma, skipped when r is
/// a constant.
/// </summary>
public readonly struct RealNegativeBinomial : IRealDiscrete<int>
{
    /// <summary>Creates NegativeBinomial(<paramref name="r"/>, <paramref name="p"/>). Parameters are checked when the distribution is used.</summary>
    public RealNegativeBinomial(Real r, Real p)
    {
        R = r;
        P = p;
    }

    /// <summary>The number of successes r &gt; 0 (need not be an integer).</summary>
    public Real R { get; }

    /// <summary>The success probability p in (0, 1].</summary>
    public Real P { get; }

    /// <inheritdoc />
    public string Family => "NegativeBinomial";

    /// <inheritdoc />
    public string? ParameterError => new NegativeBinomial(R.Value, P.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new NegativeBinomial(R.Value, P.Value);

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        var r = R.Value;
        var p = P.Value;
        if (!(r > 0 && !double.IsPositiveInfinity(r) && p > 0 && p <= 1)) return double.NaN;
        if (value < 0) return double.NegativeInfinity;
        var logP = Math.Log(p);
        var result = SpecialFunctions.GammaLn(value + r) - SpecialFunctions.FactorialLn(value) - SpecialFunctions.GammaLn(r)
            + r * logP + MathUtil.XLog1pY(value, -p);
        // p = 1 with a failure has probability 0: no derivative.
        if (!double.IsFinite(result)) return result;
        var dr = R.IsConstant ? 0.0 : SpecialFunctions.DiGamma(value + r) - SpecialFunctions.DiGamma(r) + logP;
        return Real.Binary(result, R, dr, P, r / p - RealFamilies.XOverY(value, 1 - p));
    }

    /// <inheritdoc />
    public override string ToString() => $"NegativeBinomial({R}, {P})";
}
