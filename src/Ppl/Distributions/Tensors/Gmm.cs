using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of Gaussian mixtures: weights (batch + [K], on the simplex), means (batch + [K, D]) and
/// Cholesky factors of the component covariances (batch + [K, D, D]). Event shape [D].
/// </summary>
public sealed class Gmm : TensorDistribution
{
    private readonly Mixture _mixture;

    /// <summary>Creates the mixture Σₖ wₖ N(μₖ, Lₖ Lₖᵀ).</summary>
    public Gmm(Tensor weights, Tensor means, Tensor scaleTrils) : this(Build(weights, means, scaleTrils)) { }

    private Gmm(Mixture m) : base(m.BatchShape, m.EventShape, m.Device, m.DType)
    {
        _mixture = m;
    }

    private static Mixture Build(Tensor weights, Tensor means, Tensor scaleTrils)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scaleTrils);
        if (means.dim() < 2) throw new ArgumentException("means must be batch + [K, D].", nameof(means));
        var dtype = TensorParams.FloatType(weights, means, scaleTrils);
        var device = means.device;
        return new Mixture(
            new Categorical(probs: TensorParams.ToFloat(weights, dtype, device)),
            new MvNormal(TensorParams.ToFloat(means, dtype, device), TensorParams.ToFloat(scaleTrils, dtype, device)));
    }

    /// <summary>The mixture weights, batch + [K].</summary>
    public Tensor Weights => _mixture.MixingDistribution.Probs;

    /// <summary>The component means, batch + [K, D].</summary>
    public Tensor Means => ((MvNormal)_mixture.Components).Loc;

    /// <summary>The component Cholesky factors, batch + [K, D, D].</summary>
    public Tensor ScaleTrils => ((MvNormal)_mixture.Components).ScaleTril;

    /// <summary>The number of components K.</summary>
    public long K => _mixture.MixingDistribution.K;

    /// <inheritdoc />
    public override string Family => "Gmm";

    /// <inheritdoc />
    public override Support Support => Support.RealVector((int)EventShape[0]);

    /// <inheritdoc />
    public override string? ParameterError => _mixture.ParameterError;

    /// <inheritdoc />
    public override Tensor Mean => _mixture.Mean;

    /// <inheritdoc />
    public override Tensor Variance => _mixture.Variance;

    /// <summary>The mixture's covariance Σₖ wₖ (Σₖ + μₖ μₖᵀ) − m mᵀ, batch + [D, D].</summary>
    public Tensor Covariance
    {
        get
        {
            var w = Weights.unsqueeze(-1).unsqueeze(-1);
            var mu = Means;
            var second = (w * ScaleTrils.matmul(ScaleTrils.transpose(-1, -2)).Plus(mu.unsqueeze(-1).matmul(mu.unsqueeze(-2)))).sum(-3);
            var m = Mean;
            return second - m.unsqueeze(-1).matmul(m.unsqueeze(-2));
        }
    }

    /// <summary>The single Gaussian with the mixture's mean and covariance (moment matching).</summary>
    public MvNormal MomentMatch()
    {
        var cov = Covariance;
        // Symmetrise so the Cholesky factorisation sees exactly symmetric input despite rounding.
        cov = cov.Plus(cov.transpose(-1, -2)).Times(0.5);
        return new MvNormal(Mean, linalg.cholesky(cov));
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector(EventShape);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Gmm((Mixture)_mixture.Expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => _mixture.SampleWith(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) => _mixture.LogProb(value);
}
