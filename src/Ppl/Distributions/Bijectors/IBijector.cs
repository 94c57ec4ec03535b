namespace Ppl.Distributions;

/// <summary>
/// A smooth bijection from unconstrained space ℝⁿ onto a distribution's support, as HMC, NUTS and
/// automatic variational guides need. <c>Forward</c> maps unconstrained to constrained;
/// <see cref="LogAbsDetJacobian"/> is log |det ∂Forward/∂u|, so that the density of u is
/// p(Forward(u)) · |det J(u)|.
/// </summary>
/// <typeparam name="T">The constrained value type.</typeparam>
public interface IBijector<T>
{
    /// <summary>The number n of unconstrained coordinates.</summary>
    int UnconstrainedSize { get; }

    /// <summary>Maps unconstrained coordinates to a value in the support.</summary>
    T Forward(ReadOnlySpan<double> unconstrained);

    /// <summary>Maps a value in the support to its unconstrained coordinates.</summary>
    void Inverse(T value, Span<double> unconstrained);

    /// <summary>log |det ∂Forward/∂u| at <paramref name="unconstrained"/>.</summary>
    double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained);
}

/// <summary>A bijection between ℝ and a one-dimensional support, with scalar convenience methods.</summary>
public interface IScalarBijector : IBijector<double>
{
    /// <summary>Unconstrained to constrained.</summary>
    double Forward(double unconstrained);

    /// <summary>Constrained to unconstrained.</summary>
    double Inverse(double value);

    /// <summary>log |dForward/du| at <paramref name="unconstrained"/>.</summary>
    double LogAbsDetJacobian(double unconstrained);
}
