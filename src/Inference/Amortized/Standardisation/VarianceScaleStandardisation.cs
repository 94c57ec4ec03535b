using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Standardisation;

/// <summary>
/// The scale symmetry of a variance with zero-mean observations (σ² with a prior whose parameter
/// <see cref="ScaleParameter"/> scales σ², such as β of InvGamma(α, β), and zᵢ ~ N(0, σ²)): replacing
/// z by z / s, β by β / s² and σ² by σ² / s² gives a problem of the same family. Here s² is the mean
/// square of the problem's observations (the data's own scale, as a data set is z-scored before a
/// network reads it), so standardised observations have a root mean square of one, and the posterior on
/// y = log σ² is that of ỹ shifted by log s². With no observations s² = β, so the standardised β is one.
/// The other prior parameters (the shape α) are unchanged.
/// </summary>
/// <param name="scaleParameter">The index of the prior parameter that scales σ².</param>
public sealed class VarianceScaleStandardisation(int scaleParameter = 1) : ProblemStandardisation
{
    // Standardised β is kept inside float32's normal range; beyond it the posterior no longer depends on β's exact value.
    private const double Limit = 1e30;

    /// <summary>The index of the prior parameter that scales σ².</summary>
    public int ScaleParameter { get; } = scaleParameter >= 0 ? scaleParameter : throw new ArgumentOutOfRangeException(nameof(scaleParameter), scaleParameter, "The index of the scale parameter must be non-negative.");

    /// <inheritdoc />
    public override StandardisedProblem Standardise(DtPrior prior, IReadOnlyList<Tensor> observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(observations);
        if (prior is not DtPrior.Parametric p)
            throw new ArgumentException("Variance-scale standardisation needs a parametric prior (the parameters of the variance's prior), not a mixture.", nameof(prior));
        if (p.Parameters.dim() != 2 || p.Parameters.shape[1] <= ScaleParameter)
            throw new ArgumentException($"The prior parameters must be [B, P] with P > {ScaleParameter}; got [{string.Join(", ", p.Parameters.shape)}].", nameof(prior));
        if (observations.Count != 1)
            throw new ArgumentException($"Variance-scale standardisation reads one observation source; got {observations.Count}.", nameof(observations));
        // Float64 throughout: mean squares of heavy-tailed draws exceed float32's range.
        var z = observations[0].to_type(ScalarType.Float64);
        var parameters = p.Parameters.to_type(ScalarType.Float64);
        var beta = parameters[.., ScaleParameter];
        var s2 = z.shape[1] == 0 ? beta : z.Squared().mean([1, 2]).ClampMin(1e-300);
        var bad = s2.isnan().logical_or(s2.isinf()).logical_or(s2.Le(0));
        if (bad.any().item<bool>())
            throw new ArgumentException($"Problem {bad.nonzero()[0, 0].item<long>()} has no finite positive scale (mean square of the observations, or β without observations).", nameof(observations));
        var scaled = parameters.clone();
        scaled[.., ScaleParameter] = (beta / s2).Clamp(1.0 / Limit, Limit);
        var standardisedZ = z / s2.sqrt().reshape(-1, 1, 1);
        var shift = s2.log().unsqueeze(-1);
        return new StandardisedProblem(DtPrior.FromParameters(scaled.to_type(p.Parameters.dtype)), [standardisedZ.to_type(observations[0].dtype)], shift, ones_like(shift));
    }
}
