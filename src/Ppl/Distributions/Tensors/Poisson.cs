using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Poisson distributions with the given rates.</summary>
public sealed class Poisson : TensorDistribution
{
    /// <summary>Creates Poisson(<paramref name="rate"/>).</summary>
    public Poisson(Tensor rate) : base(rate.shape, [], rate.device, TensorParams.FloatType(rate)) =>
        Rate = TensorParams.ToFloat(rate, DType, Device);

    /// <summary>The rates λ (mean and variance).</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override string Family => "Poisson";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("rate", Rate);

    /// <inheritdoc />
    public override Tensor Mean => Rate;

    /// <inheritdoc />
    public override Tensor Variance => Rate;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Poisson(Rate.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) =>
        poisson(Rate.expand(ExtendedShape(sampleShape)).contiguous(), generator);

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0));
        var k = value.MaskedFill(inSupport.logical_not(), 0.0);
        return MaskSupport(xlogy(k, Rate) - Rate - k.Plus(1).lgamma(), inSupport);
    }
}
