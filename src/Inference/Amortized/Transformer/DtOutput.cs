using Ppl.Inference.Amortized.Mixtures;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>What the Distribution Transformer returns: the decoded prior tokens and the posterior, both mixtures in the sample space.</summary>
/// <param name="PriorReconstruction">q(f(x) | φ): the prior tokens decoded before the decoder stack.</param>
/// <param name="Posterior">q(f(x) | z, φ).</param>
public sealed record DtOutput(GmmTensors PriorReconstruction, GmmTensors Posterior);
