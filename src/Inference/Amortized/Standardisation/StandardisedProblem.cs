using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Standardisation;

/// <summary>A standardised batch of problems and the affine map y = Scale ⊙ ỹ + Shift back to the original sample space.</summary>
/// <param name="Prior">The standardised priors.</param>
/// <param name="Observations">The standardised observations.</param>
/// <param name="Shift">[B, D].</param>
/// <param name="Scale">[B, D], positive.</param>
public sealed record StandardisedProblem(DtPrior Prior, IReadOnlyList<Tensor> Observations, Tensor Shift, Tensor Scale)
{
    /// <summary>Maps mixtures over ỹ [B, K, ...] to mixtures over y: μ ← Scale ⊙ μ + Shift, L ← diag(Scale) L (still lower triangular with a positive diagonal).</summary>
    public GmmTensors Restore(GmmTensors standardised)
    {
        ArgumentNullException.ThrowIfNull(standardised);
        var dtype = standardised.Means.dtype;
        var shift = Shift.to_type(dtype).unsqueeze(-2);
        var scale = Scale.to_type(dtype).unsqueeze(-2);
        return new GmmTensors(standardised.LogWeights, (standardised.Means * scale).Plus(shift), standardised.ScaleTrils * scale.unsqueeze(-1));
    }
}
