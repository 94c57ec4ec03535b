namespace Ppl.Distributions;

/// <summary>
/// Map from ℝⁿ onto the unit sphere Sⁿ⁻¹ (Stan's <c>unit_vector</c> transform): x = y/‖y‖. It is not a bijection (every
/// ray maps to one point), so <see cref="LogAbsDetJacobian"/> is not a Jacobian but Stan's adjustment −½‖y‖²: with it
/// the density of y is p(y/‖y‖) e^(−‖y‖²/2), which is proper and whose image under y ↦ y/‖y‖ is p with respect to the
/// sphere's surface measure (the radius has the χ distribution with n degrees of freedom and is independent of the
/// direction), so samplers on y sample x from p. <see cref="Inverse"/> gives the point of radius 1 (y = x).
/// </summary>
public sealed class UnitVectorBijector(int dimension) : IBijector<double[]>
{
    /// <summary>The dimension n of the vectors (at least 2).</summary>
    public int Dimension { get; } = dimension >= 2 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 2");

    /// <inheritdoc />
    public int UnconstrainedSize => Dimension;

    /// <summary>x = y/‖y‖ (NaN entries at y = 0, where the direction is undefined).</summary>
    public double[] Forward(ReadOnlySpan<double> unconstrained)
    {
        var norm = Math.Sqrt(SquaredNorm(unconstrained));
        var x = new double[Dimension];
        for (var i = 0; i < x.Length; i++) x[i] = unconstrained[i] / norm;
        return x;
    }

    /// <summary>y = x (the preimage of radius 1); NaN when x is not a unit vector of this dimension.</summary>
    public void Inverse(double[] value, Span<double> unconstrained)
    {
        var ok = value is not null && value.Length == Dimension && Math.Abs(Math.Sqrt(SquaredNorm(value)) - 1) <= 1e-8;
        for (var i = 0; i < Dimension; i++) unconstrained[i] = ok ? value![i] : double.NaN;
    }

    /// <summary>−½‖y‖² (Stan's adjustment; see the type's remarks).</summary>
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained) => -0.5 * SquaredNorm(unconstrained[..Dimension]);

    private static double SquaredNorm(ReadOnlySpan<double> y)
    {
        double s = 0;
        foreach (var v in y) s += v * v;
        return s;
    }
}
