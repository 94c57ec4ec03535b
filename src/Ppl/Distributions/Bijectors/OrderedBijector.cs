namespace Ppl.Distributions;

/// <summary>
/// Map from ℝᴷ onto strictly increasing vectors with entries above <see cref="Lower"/> (Stan's <c>ordered</c>
/// transform, and <c>positive_ordered</c> when the bound is 0): x₀ = u₀ (or lower + e^u₀ for a finite bound),
/// xₖ = xₖ₋₁ + e^uₖ. log |det J| = Σₖ≥₁ uₖ (+ u₀ with a finite bound): the Jacobian is triangular.
/// </summary>
public sealed class OrderedBijector(int dimension, double lower = double.NegativeInfinity) : IBijector<double[]>
{
    /// <summary>The length K of the vector (at least 1).</summary>
    public int Dimension { get; } = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1");

    /// <summary>The lower bound of the first entry (−∞ for none).</summary>
    public double Lower { get; } = lower;

    /// <inheritdoc />
    public int UnconstrainedSize => Dimension;

    /// <inheritdoc />
    public double[] Forward(ReadOnlySpan<double> unconstrained)
    {
        var x = new double[Dimension];
        x[0] = double.IsNegativeInfinity(Lower) ? unconstrained[0] : Lower + Math.Exp(unconstrained[0]);
        for (var k = 1; k < Dimension; k++) x[k] = x[k - 1] + Math.Exp(unconstrained[k]);
        return x;
    }

    /// <inheritdoc />
    public void Inverse(double[] value, Span<double> unconstrained)
    {
        unconstrained[0] = double.IsNegativeInfinity(Lower) ? value[0] : Math.Log(value[0] - Lower);
        for (var k = 1; k < Dimension; k++) unconstrained[k] = Math.Log(value[k] - value[k - 1]);
    }

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained)
    {
        var total = double.IsNegativeInfinity(Lower) ? 0.0 : unconstrained[0];
        for (var k = 1; k < Dimension; k++) total += unconstrained[k];
        return total;
    }
}
