using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// ℓ = 1[r ≥ threshold]: the target is the prior conditioned on an acceptable reward. Samples below
/// the threshold get log ℓ = −∞; a prompt none of whose samples pass contributes nothing to a step.
/// </summary>
public sealed class ThresholdGoodness : IGoodness
{
    /// <summary>A hard threshold at <paramref name="threshold"/>.</summary>
    public ThresholdGoodness(double threshold)
    {
        if (double.IsNaN(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must not be NaN.");
        Threshold = threshold;
    }

    /// <summary>The smallest acceptable reward.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    public Tensor LogLikelihood(Tensor reward) =>
        where(reward.Ge(Threshold), zeros_like(reward), reward.FullLike(double.NegativeInfinity));

    /// <inheritdoc />
    public double LogLikelihood(double reward) => reward >= Threshold ? 0.0 : double.NegativeInfinity;
}
