using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>x = exp(u) elementwise: ℝ onto (0, ∞), for scalar events.</summary>
public sealed class ExpTensorBijector : ITensorBijector
{
    /// <summary>The single instance.</summary>
    public static ExpTensorBijector Instance { get; } = new();

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [];

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained) => unconstrained.exp();

    /// <inheritdoc />
    public Tensor Inverse(Tensor value) => value.log();

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained) => unconstrained.alias();
}
