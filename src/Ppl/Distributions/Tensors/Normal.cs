using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of normal distributions N(mu, sigma²).</summary>
public sealed class Normal : TensorDistribution
{
    internal const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Creates N(<paramref name="mu"/>, <paramref name="sigma"/>²); the parameters broadcast to the batch shape.</summary>
    public Normal(Tensor mu, Tensor sigma) : this(TensorParams.Broadcast(mu, sigma)) { }

    private Normal(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Mu = p[0];
        Sigma = p[1];
    }

    /// <summary>The means.</summary>
    public Tensor Mu { get; }

    /// <summary>The standard deviations.</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "Normal";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.FiniteAndPositive("mu", Mu, "sigma", Sigma);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Mu;

    /// <inheritdoc />
    public override Tensor Variance => Sigma.Squared();

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Normal(Mu.expand(batchShape), Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Mu.Plus(Sigma * Randn(ExtendedShape(sampleShape), generator));

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Mu) / Sigma;
        return (z.Times(-0.5) * z - Sigma.log()).Minus(HalfLog2Pi);
    }
}
