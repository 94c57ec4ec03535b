using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>The identity on ℝ^event.</summary>
public sealed class IdentityTensorBijector : ITensorBijector
{
    /// <summary>Creates the identity for events of the given shape.</summary>
    public IdentityTensorBijector(long[] eventShape) => ConstrainedEventShape = eventShape;

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => ConstrainedEventShape;

    /// <inheritdoc />
    public long[] ConstrainedEventShape { get; }

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained) => unconstrained.alias();

    /// <inheritdoc />
    public Tensor Inverse(Tensor value) => value.alias();

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained)
    {
        var batch = unconstrained.shape[..(unconstrained.shape.Length - ConstrainedEventShape.Length)];
        return zeros(batch, unconstrained.dtype, unconstrained.device);
    }
}
