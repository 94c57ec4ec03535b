using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The stored scores of n proposal samples for each of B prompts, as [B, n] float64 tensors (no
/// gradient): what the offline generation step of papers.md 4.4 keeps. Everything is in log space.
/// </summary>
/// <param name="LogPrior">log p(y_i | x), the base program's density.</param>
/// <param name="LogProposal">log q′(y_i | x), the density of the proposal that drew the sample.</param>
/// <param name="LogGoodness">log ℓ(x, y_i), the goodness factor (−∞ rules a sample out).</param>
/// <param name="LogNormalizer">log Z(x) = log Σ_y p ℓ, shape [B]; needed only by <see cref="TargetWeighting.Normalized"/>.</param>
public sealed record SampleBatch(Tensor LogPrior, Tensor LogProposal, Tensor LogGoodness, Tensor? LogNormalizer = null)
{
    /// <summary>Number of prompts B.</summary>
    public long Prompts => LogPrior.shape[0];

    /// <summary>Samples per prompt n.</summary>
    public long SamplesPerPrompt => LogPrior.shape[1];

    /// <summary>log α_i = log p + log ℓ − log q′: the unnormalised log importance weights towards the target.</summary>
    public Tensor LogTargetWeights() => LogPrior.Plus(LogGoodness) - LogProposal;
}
