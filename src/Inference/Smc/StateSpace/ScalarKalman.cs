namespace Ppl.Inference.Smc;

/// <summary>
/// The exact answer for the scalar linear-Gaussian state-space model
/// x₀ ~ N(0, v₀), xₜ = a·xₜ₋₁ + N(0, q), yₜ ~ N(xₜ, r) for t = 1 … T: the Kalman filter, the oracle that SMC's
/// evidence and filtering estimates are tested and benchmarked against. With v₀ = 0 the first observed state
/// is N(0, q), i.e. a model that starts at x₁ ~ N(0, q).
/// </summary>
public static class ScalarKalman
{
    /// <summary>
    /// log p(y₁ … y_T) by the prediction-error decomposition, and the filtering mean and variance of x_T.
    /// </summary>
    /// <param name="ys">The observations y₁ … y_T.</param>
    /// <param name="transition">a.</param>
    /// <param name="processVariance">q &gt; 0.</param>
    /// <param name="observationVariance">r &gt; 0.</param>
    /// <param name="initialVariance">v₀ ≥ 0, the variance of the unobserved x₀ (mean 0).</param>
    public static (double LogEvidence, double Mean, double Variance) Filter(IReadOnlyList<double> ys, double transition = 0.9,
        double processVariance = 1, double observationVariance = 0.25, double initialVariance = 1)
    {
        ArgumentNullException.ThrowIfNull(ys);
        if (!(processVariance > 0)) throw new ArgumentOutOfRangeException(nameof(processVariance), processVariance, "The process variance must be positive.");
        if (!(observationVariance > 0)) throw new ArgumentOutOfRangeException(nameof(observationVariance), observationVariance, "The observation variance must be positive.");
        if (!(initialVariance >= 0)) throw new ArgumentOutOfRangeException(nameof(initialVariance), initialVariance, "The initial variance must be non-negative.");
        double m = 0, p = initialVariance, logZ = 0;
        foreach (var y in ys)
        {
            m *= transition;
            p = transition * transition * p + processVariance;
            var s = p + observationVariance;
            logZ += -0.5 * (Math.Log(2 * Math.PI * s) + (y - m) * (y - m) / s);
            var k = p / s;
            m += k * (y - m);
            p *= 1 - k;
        }
        return (logZ, m, p);
    }
}
