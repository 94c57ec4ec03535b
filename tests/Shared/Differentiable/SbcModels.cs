using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// [Model] methods for simulation-based calibration of NUTS on generated differentiable forms
/// (<see cref="GarchSbcTests"/>): a small GARCH(1,1)-style model whose β has a support that depends on α,
/// and the same model with that support frozen at a constant (the bug the negative control stands for).
/// </summary>
public static partial class SbcModels
{
    /// <summary>
    /// GARCH(1,1)-style returns: μ ~ N(0, 1), α₀ ~ HalfNormal(0.5), α₁ ~ Uniform(0, 1), β₁ ~ Uniform(0, 1 − α₁),
    /// σ₀ = <paramref name="sigma1"/>, σₜ² = α₀ + α₁ (rₜ₋₁ − μ)² + β₁ σₜ₋₁² and rₜ ~ N(μ, σₜ) observed.
    /// </summary>
    [Model]
    public static double Garch(double[] r, double sigma1)
    {
        var mu = Sample(Normal(0, 1));
        var alpha0 = Sample(HalfNormal(0.5));
        var alpha1 = Sample(Uniform(0, 1));
        var beta1 = Sample(Uniform(0, 1 - alpha1));
        var sigma = sigma1;
        for (var t = 0; t < r.Length; t++)
        {
            if (t > 0) sigma = Math.Sqrt(alpha0 + alpha1 * (r[t - 1] - mu) * (r[t - 1] - mu) + beta1 * sigma * sigma);
            Observe(Normal(mu, sigma), r[t], "r", t);
        }
        return beta1;
    }

    /// <summary>
    /// <see cref="Garch"/> with β₁'s upper bound frozen at the constant <paramref name="upper"/> (as if the bijector's
    /// bound were evaluated once, at a starting α₁, instead of at every position): a wrong posterior.
    /// </summary>
    [Model]
    public static double GarchFrozenBound(double[] r, double sigma1, double upper)
    {
        var mu = Sample(Normal(0, 1));
        var alpha0 = Sample(HalfNormal(0.5));
        var alpha1 = Sample(Uniform(0, 1));
        var beta1 = Sample(Uniform(0, upper));
        var sigma = sigma1;
        for (var t = 0; t < r.Length; t++)
        {
            if (t > 0) sigma = Math.Sqrt(alpha0 + alpha1 * (r[t - 1] - mu) * (r[t - 1] - mu) + beta1 * sigma * sigma);
            Observe(Normal(mu, sigma), r[t], "r", t);
        }
        return beta1;
    }
}
