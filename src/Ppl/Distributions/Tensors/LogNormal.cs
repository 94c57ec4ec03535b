using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of log-normal distributions: exp(X) for X ~ N(mu, sigma²).</summary>
public sealed class LogNormal : TensorDistribution
{
    /// <summary>Creates the log-normal whose logarithm is N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    public LogNormal(Tensor mu, Tensor sigma) : this(TensorParams.Broadcast(mu, sigma)) { }

    private LogNormal(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Mu = p[0];
        Sigma = p[1];
    }

    /// <summary>The means of the logarithm.</summary>
    public Tensor Mu { get; }

    /// <summary>The standard deviations of the logarithm.</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "LogNormal";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.FiniteAndPositive("mu", Mu, "sigma", Sigma);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Mu.Plus(Sigma.Squared().Times(0.5)).exp();

    /// <inheritdoc />
    public override Tensor Variance => Sigma.Squared().expm1() * Mu.Times(2).Plus(Sigma.Squared()).exp();

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new LogNormal(Mu.expand(batchShape), Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Mu.Plus(Sigma * Randn(ExtendedShape(sampleShape), generator)).exp();

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = value.Gt(0);
        var logx = value.MaskedFill(inSupport.logical_not(), 1.0).log();
        var z = (logx - Mu) / Sigma;
        return MaskSupport((z.Times(-0.5) * z - Sigma.log()).Minus(Normal.HalfLog2Pi) - logx, inSupport);
    }
}
