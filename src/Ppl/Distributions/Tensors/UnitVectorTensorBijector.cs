using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Map from ℝⁿ onto the unit sphere Sⁿ⁻¹ along the last dimension (Stan's <c>unit_vector</c> transform), as the scalar
/// <see cref="UnitVectorBijector"/>: x = y/‖y‖. It is not a bijection (every ray maps to one point), so
/// <see cref="LogAbsDetJacobian"/> is not a Jacobian but Stan's adjustment −½‖y‖², with which samplers on y sample x
/// from the density with respect to the sphere's surface measure. <see cref="Inverse"/> gives the point of radius 1.
/// </summary>
public sealed class UnitVectorTensorBijector : ITensorBijector
{
    /// <summary>Creates the map for vectors of dimension <paramref name="dimension"/> (at least 2).</summary>
    public UnitVectorTensorBijector(long dimension) =>
        Dimension = dimension >= 2 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 2");

    /// <summary>The dimension n of the vectors.</summary>
    public long Dimension { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [Dimension];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [Dimension];

    /// <summary>x = y/‖y‖ (NaN at y = 0, where the direction is undefined).</summary>
    public Tensor Forward(Tensor unconstrained) => unconstrained / unconstrained.Squared().sum(-1, keepdim: true).sqrt();

    /// <summary>y = x (the preimage of radius 1).</summary>
    public Tensor Inverse(Tensor value) => value.alias();

    /// <summary>−½‖y‖² (Stan's adjustment; see the type's remarks), of shape batch.</summary>
    public Tensor LogAbsDetJacobian(Tensor unconstrained) => unconstrained.Squared().sum(-1).Times(-0.5);
}
