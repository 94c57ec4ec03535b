using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A smooth bijection from unconstrained tensors onto a tensor distribution's support. <c>Forward</c>
/// maps unconstrained to constrained; <see cref="LogAbsDetJacobian"/> is log |det ∂Forward/∂u| summed
/// over the event dimensions, so that the density of u is p(Forward(u)) · |det J(u)|.
/// </summary>
public interface ITensorBijector
{
    /// <summary>The event shape of the unconstrained tensor (e.g. [K − 1] for a K-simplex).</summary>
    long[] UnconstrainedEventShape { get; }

    /// <summary>The event shape of the constrained value.</summary>
    long[] ConstrainedEventShape { get; }

    /// <summary>Maps unconstrained coordinates (shape batch + unconstrained event) onto the support.</summary>
    Tensor Forward(Tensor unconstrained);

    /// <summary>Maps a value in the support to its unconstrained coordinates.</summary>
    Tensor Inverse(Tensor value);

    /// <summary>log |det ∂Forward/∂u| at <paramref name="unconstrained"/>, with the event dimensions summed out.</summary>
    Tensor LogAbsDetJacobian(Tensor unconstrained);
}
