using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of point masses at <see cref="Value"/> (with <c>eventDims</c> trailing dimensions forming one
/// event). Log mass 0 at the point, −∞ elsewhere; draws are the point itself, differentiable in it.
/// </summary>
public sealed class Delta : TensorDistribution
{
    /// <summary>Creates the point mass at <paramref name="value"/>, whose last <paramref name="eventDims"/> dimensions form the event.</summary>
    public Delta(Tensor value, int eventDims = 0)
        : base(value.shape[..(int)(value.dim() - eventDims)], value.shape[(int)(value.dim() - eventDims)..], value.device, TensorParams.FloatType(value))
    {
        if (eventDims < 0 || eventDims > value.dim()) throw new ArgumentOutOfRangeException(nameof(eventDims));
        Value = TensorParams.ToFloat(value, DType, Device);
    }

    /// <summary>The point.</summary>
    public Tensor Value { get; }

    /// <inheritdoc />
    public override string Family => "Delta";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => new(SupportKind.Point);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Finite("value", Value);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Value;

    /// <inheritdoc />
    public override Tensor Variance => zeros_like(Value);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Delta(Value.expand([.. batchShape, .. EventShape]), EventShape.Length);

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) => Value.expand(ExtendedShape(sampleShape));

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var eq = value.eq(Value);
        for (var i = 0; i < EventShape.Length; i++) eq = eq.all(-1);
        return zeros(eq.shape, DType, Device).MaskedFill(eq.logical_not(), double.NegativeInfinity);
    }
}
