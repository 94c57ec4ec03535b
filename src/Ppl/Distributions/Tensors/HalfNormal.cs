using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of half-normal distributions: |X| for X ~ N(0, sigma²).</summary>
public sealed class HalfNormal : TensorDistribution
{
    /// <summary>Creates the half-normal with scale <paramref name="sigma"/>.</summary>
    public HalfNormal(Tensor sigma) : base(sigma.shape, [], sigma.device, TensorParams.FloatType(sigma)) =>
        Sigma = TensorParams.ToFloat(sigma, DType, Device);

    /// <summary>The scales.</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "HalfNormal";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("sigma", Sigma);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Sigma.Times(Math.Sqrt(2 / Math.PI));

    /// <inheritdoc />
    public override Tensor Variance => Sigma.Squared().Times(1 - 2 / Math.PI);

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new HalfNormal(Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        (Sigma * Randn(ExtendedShape(sampleShape), generator)).abs();

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = value / Sigma;
        return MaskSupport(Sigma.log().SubtractedFrom(0.5 * Math.Log(2 / Math.PI)) - z.Times(0.5) * z, value.Ge(0));
    }
}
