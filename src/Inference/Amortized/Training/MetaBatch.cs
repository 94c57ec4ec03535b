using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>One batch of simulations (φ, x, z) from a meta-model.</summary>
/// <param name="Prior">The priors p(x | φ) (mixtures over f(x), or family parameters).</param>
/// <param name="Latent">The latent draws x in the original space, [B, D].</param>
/// <param name="Observations">The observations, one tensor [B, N, Dₛ] per source.</param>
public sealed record MetaBatch(DtPrior Prior, Tensor Latent, IReadOnlyList<Tensor> Observations);
