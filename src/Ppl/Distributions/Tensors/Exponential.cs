using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of exponential distributions with the given rates.</summary>
public sealed class Exponential : TensorDistribution
{
    /// <summary>Creates Exponential(<paramref name="rate"/>), of mean 1/rate.</summary>
    public Exponential(Tensor rate) : base(rate.shape, [], rate.device, TensorParams.FloatType(rate)) =>
        Rate = TensorParams.ToFloat(rate, DType, Device);

    /// <summary>The rates λ.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override string Family => "Exponential";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("rate", Rate);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Rate.reciprocal();

    /// <inheritdoc />
    public override Tensor Variance => Rate.Squared().reciprocal();

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Exponential(Rate.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        -RandOpen(ExtendedShape(sampleShape), generator).log() / Rate;

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) => MaskSupport(Rate.log() - Rate * value, value.Ge(0));
}
