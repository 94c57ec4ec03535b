using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of continuous uniform distributions on [low, high).</summary>
public sealed class Uniform : TensorDistribution
{
    /// <summary>Creates Uniform(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public Uniform(Tensor low, Tensor high) : this(TensorParams.Broadcast(low, high)) { }

    private Uniform(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Low = p[0];
        High = p[1];
    }

    /// <summary>The lower bounds.</summary>
    public Tensor Low { get; }

    /// <summary>The upper bounds.</summary>
    public Tensor High { get; }

    /// <inheritdoc />
    public override string Family => "Uniform";

    /// <summary>An interval; the bounds vary over the batch, so they are not recorded here.</summary>
    public override Support Support => new(SupportKind.Interval);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Finite("low", Low), () => TensorChecks.Finite("high", High),
        () => TensorChecks.Positive("high - low", High - Low));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Low.Plus(High).Times(0.5);

    /// <inheritdoc />
    public override Tensor Variance => (High - Low).Squared().Over(12.0);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new SigmoidTensorBijector(Low, High);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Uniform(Low.expand(batchShape), High.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Low.Plus((High - Low) * rand(ExtendedShape(sampleShape), DType, Device, generator: generator));

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) =>
        MaskSupport((-(High - Low).log()).Plus(zeros_like(value)), value.ge(Low).logical_and(value.lt(High)));
}
