using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>A fixed control variate.</summary>
public sealed class ConstantBaseline(double value) : Baseline
{
    /// <summary>The constant.</summary>
    public double Value { get; } = value;

    internal override Tensor Current(Tensor like) => tensor(Value, like.dtype, like.device);

    /// <inheritdoc />
    public override string ToString() => $"constant {Value}";
}
