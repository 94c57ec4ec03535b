using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Exact;

/// <summary>An exact Gaussian-mixture posterior and the log marginal likelihood of the observations.</summary>
/// <param name="Posterior">The posterior mixture (batch as the prior's).</param>
/// <param name="LogEvidence">log p(z) under the prior, shape batch.</param>
public sealed record GmmUpdateResult(Gmm Posterior, Tensor LogEvidence);
