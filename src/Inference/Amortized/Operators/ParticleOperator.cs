using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Operators;

/// <summary>
/// The particle update: S draws from the prior, weighted by the likelihood (importance sampling with
/// the prior as proposal, i.e. one bootstrap-filter step), then fitted to a K-component mixture. Any
/// likelihood can be used, at a cost linear in S; it is the baseline the learned operator is compared with.
/// </summary>
/// <typeparam name="TObservations">The observation type the likelihood reads.</typeparam>
public sealed class ParticleOperator<TObservations> : IPosteriorOperator<TensorDistribution, TObservations, Gmm>
{
    private readonly Func<Tensor, TObservations, Tensor> _logLikelihood;
    private readonly Rng _rng;

    /// <summary>Creates the operator.</summary>
    /// <param name="logLikelihood">log p(z | x) for states x of shape [S] + batch + [D], returning [S] + batch.</param>
    /// <param name="particles">The number of particles S per batch member.</param>
    /// <param name="components">The number of mixture components K of the fitted posterior.</param>
    /// <param name="rng">The random source (advanced by every update).</param>
    public ParticleOperator(Func<Tensor, TObservations, Tensor> logLikelihood, int particles, int components, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        _logLikelihood = logLikelihood ?? throw new ArgumentNullException(nameof(logLikelihood));
        _rng = rng ?? throw new ArgumentNullException(nameof(rng));
        Particles = particles;
        Components = components;
    }

    /// <summary>The number of particles per batch member.</summary>
    public int Particles { get; }

    /// <summary>The number of components of the fitted mixture.</summary>
    public int Components { get; }

    /// <summary>The weighted particles: draws [S] + batch + [D] from the prior and their log likelihoods [S] + batch.</summary>
    public (Tensor Particles, Tensor LogWeights) Weighted(TensorDistribution prior, TObservations observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        var x = prior.Sample(_rng, [Particles]);
        using var ng = no_grad();
        var logW = _logLikelihood(x, observations);
        if (logW.isnan().any().item<bool>()) throw new InferenceException("The log likelihood returned NaN for some particle.");
        if (logW.isneginf().all(0).any().item<bool>())
            throw new InferenceException("All particle weights are zero for some batch member: the observations are impossible under every particle.");
        return (x, logW);
    }

    /// <inheritdoc />
    public Gmm Update(TensorDistribution prior, TObservations observations)
    {
        var (x, logW) = Weighted(prior, observations);
        return WeightedGmmFit.Fit(x, logW, Components, _rng);
    }
}
