using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Operators;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The learned posterior operator: a trained <see cref="DistributionTransformer"/> with one observation
/// source. Mixture priors (and the posterior) live in the transformer's sample space f(x); parametric
/// priors are given by their parameters [B, P]. Observations are [B, N, Dz].
/// </summary>
/// <param name="model">The trained transformer.</param>
public sealed class DtPosteriorOperator(DistributionTransformer model) : IPosteriorOperator<Gmm, Tensor, Gmm>, IPosteriorOperator<Tensor, Tensor, Gmm>
{
    /// <summary>The transformer.</summary>
    public DistributionTransformer Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc />
    public Gmm Update(Gmm prior, Tensor observations) => Model.Posterior(DtPrior.FromMixture(prior), observations);

    /// <inheritdoc />
    public Gmm Update(Tensor prior, Tensor observations) => Model.Posterior(DtPrior.FromParameters(prior), observations);
}
