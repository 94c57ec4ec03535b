using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>
/// The training objective of papers.md 3.3: ℓ(θ) = E[−log q_θ(f(x) | z, φ)] + E[−log q_θ(f(x) | φ)]. The
/// first term is E[KL(p(f(x) | z, φ) ‖ q)] plus a constant; the second keeps prior and posterior tokens
/// in one latent space.
/// </summary>
public static class DtLoss
{
    /// <summary>The two terms (means over the batch) for an output and the latent draws x [B, D].</summary>
    public static (Tensor PosteriorNll, Tensor PriorNll) Compute(DtOutput output, Tensor latent, SampleSpaceTransform transform)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(transform);
        // The transform runs in the latent's precision (float64 keeps log of huge variances finite); the NLL in the model's.
        var y = transform.Forward(latent).to_type(output.Posterior.Means.dtype);
        return (-output.Posterior.LogProb(y).mean(), -output.PriorReconstruction.LogProb(y).mean());
    }
}
