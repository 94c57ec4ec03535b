using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Standardisation;

/// <summary>
/// Standardises mixture priors by their own moments: every state dimension d is shifted by the mixture's
/// mean m_d and divided by its standard deviation s_d, so the network always sees a prior centred at 0 with
/// unit spread, and its posterior is mapped back by y = s ⊙ ỹ + m. The map is affine, hence exact for
/// mixtures. The observations usually have to be re-expressed relative to the prior as well (the
/// network no longer knows where the prior was); <see cref="ObservationFeatures"/> does that, and may
/// change the number of features per observation (the transformer's observation dimension must then be
/// the feature count). Used for filtering, where the prior moves over a large region during a track.
/// </summary>
/// <param name="observationFeatures">
/// Maps (observations [B, N, Dz], shift m [B, D], scale s [B, D]) of source 0 to features [B, N, F];
/// null keeps the observations as they are.
/// </param>
public sealed class MixtureMomentStandardisation(Func<Tensor, Tensor, Tensor, Tensor>? observationFeatures = null) : ProblemStandardisation
{
    private const double MinScale = 1e-6;

    /// <summary>The observation map, or null.</summary>
    public Func<Tensor, Tensor, Tensor, Tensor>? ObservationFeatures { get; } = observationFeatures;

    /// <inheritdoc />
    public override StandardisedProblem Standardise(DtPrior prior, IReadOnlyList<Tensor> observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(observations);
        if (prior is not DtPrior.Mixture mixture)
            throw new ArgumentException("Moment standardisation needs mixture priors, not family parameters.", nameof(prior));
        var g = mixture.Value;
        var (mean, sd) = Moments(g);
        var shift = mean;
        var scale = sd.ClampMin(MinScale);
        var inv = scale.reciprocal().unsqueeze(-2);
        var standardised = new GmmTensors(g.LogWeights, (g.Means - shift.unsqueeze(-2)) * inv, g.ScaleTrils * inv.unsqueeze(-1));
        var obs = observations;
        if (ObservationFeatures is { } f && observations.Count > 0)
        {
            var list = observations.ToList();
            list[0] = f(observations[0], shift, scale);
            obs = list;
        }
        return new StandardisedProblem(DtPrior.FromMixture(standardised), obs, shift, scale);
    }

    /// <summary>The mean [B, D] and the per-dimension standard deviation [B, D] of a batch of mixtures.</summary>
    public static (Tensor Mean, Tensor Sd) Moments(GmmTensors g)
    {
        ArgumentNullException.ThrowIfNull(g);
        var w = g.LogWeights.exp().unsqueeze(-1); // [B, K, 1]
        var mean = (w * g.Means).sum(-2);
        var within = g.ScaleTrils.Squared().sum(-1); // diag(L Lᵀ), [B, K, D]
        var between = (g.Means - mean.unsqueeze(-2)).Squared();
        return (mean, (w * within.Plus(between)).sum(-2).sqrt());
    }
}
