using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Standardisation;

/// <summary>
/// An exact symmetry of a family of problems used to put every problem on a common scale before the
/// Distribution Transformer reads it: (prior, observations) is mapped to a standardised problem whose
/// posterior over ỹ relates to the original one by y = Scale ⊙ ỹ + Shift. The network then learns one
/// function on standardised inputs instead of the same function at every scale, which matters when a
/// meta-prior spreads problems over many orders of magnitude (the inverse-gamma task). Because the map
/// is affine in the sample space, mixtures map to mixtures exactly and the training loss is unchanged
/// up to a constant per problem.
/// </summary>
public abstract class ProblemStandardisation
{
    /// <summary>Standardises a batch of problems.</summary>
    /// <param name="prior">The priors, batch [B].</param>
    /// <param name="observations">One tensor [B, N, Dₛ] per observation source.</param>
    public abstract StandardisedProblem Standardise(DtPrior prior, IReadOnlyList<Tensor> observations);
}
