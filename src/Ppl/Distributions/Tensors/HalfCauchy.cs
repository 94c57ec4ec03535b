using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of half-Cauchy distributions: |X| for X ~ Cauchy(0, scale).</summary>
public sealed class HalfCauchy : TensorDistribution
{
    /// <summary>Creates the half-Cauchy with scale <paramref name="scale"/>.</summary>
    public HalfCauchy(Tensor scale) : base(scale.shape, [], scale.device, TensorParams.FloatType(scale)) =>
        Scale = TensorParams.ToFloat(scale, DType, Device);

    /// <summary>The scales.</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override string Family => "HalfCauchy";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("scale", Scale);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>+∞.</summary>
    public override Tensor Mean => Scale.FullLike(double.PositiveInfinity);

    /// <summary>+∞.</summary>
    public override Tensor Variance => Scale.FullLike(double.PositiveInfinity);

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new HalfCauchy(Scale.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Scale * RandOpen(ExtendedShape(sampleShape), generator).Times(0.5 * Math.PI).tan();

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = value / Scale;
        return MaskSupport(Scale.log().SubtractedFrom(Math.Log(2 / Math.PI)) - (z * z).log1p(), value.Ge(0));
    }
}
