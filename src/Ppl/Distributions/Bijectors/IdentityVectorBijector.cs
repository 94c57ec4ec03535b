namespace Ppl.Distributions;

/// <summary>The identity on ℝⁿ, for vector distributions with unconstrained support.</summary>
public sealed class IdentityVectorBijector(int dimension) : IBijector<double[]>
{
    /// <inheritdoc />
    public int UnconstrainedSize { get; } = dimension;

    /// <inheritdoc />
    public double[] Forward(ReadOnlySpan<double> unconstrained) => unconstrained[..UnconstrainedSize].ToArray();

    /// <inheritdoc />
    public void Inverse(double[] value, Span<double> unconstrained) => value.AsSpan(0, UnconstrainedSize).CopyTo(unconstrained);

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained) => 0.0;
}
