namespace Ppl.Autodiff;

/// <summary>
/// A continuous distribution over vectors with <see cref="Real"/> parameters, whose draws are choices of the
/// differentiable form (a simplex, a multivariate normal, an ordered vector): its map from ℝⁿ onto the support with
/// the log-Jacobian, and its log density, both on the tape. The vector has <see cref="Length"/> entries and
/// <see cref="UnconstrainedLength"/> unconstrained coordinates (fewer for a simplex: its entries sum to one).
/// </summary>
public interface IRealVectorContinuous : IRealDistribution
{
    /// <summary>The number of entries of a value.</summary>
    int Length { get; }

    /// <summary>The number of unconstrained coordinates.</summary>
    int UnconstrainedLength { get; }

    /// <summary>log p(x) with respect to Lebesgue measure on the free entries; −∞ outside the support; NaN when a parameter or the length is invalid.</summary>
    Real LogDensity(Real[] x);

    /// <summary>Maps <paramref name="u"/> (of <see cref="UnconstrainedLength"/> coordinates) onto the support and adds log |det ∂x/∂u| (over the free entries) to <paramref name="logJacobian"/>.</summary>
    Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian);

    /// <summary>Writes the unconstrained coordinates of a value in the support into <paramref name="u"/> (the inverse of <see cref="Constrain"/>; ±∞ or NaN outside it).</summary>
    void Unconstrain(ReadOnlySpan<double> x, Span<double> u);
}

/// <summary>
/// A continuous distribution over matrices with <see cref="Real"/> parameters, whose draws are choices of the
/// differentiable form (the Cholesky factor of a correlation matrix): as <see cref="IRealVectorContinuous"/>, with
/// values <c>Real[,]</c> of <see cref="Rows"/> × <see cref="Columns"/> and coordinates that each stand for one entry.
/// </summary>
public interface IRealMatrixContinuous : IRealDistribution
{
    /// <summary>The number of rows of a value.</summary>
    int Rows { get; }

    /// <summary>The number of columns of a value.</summary>
    int Columns { get; }

    /// <summary>The number of unconstrained coordinates.</summary>
    int UnconstrainedLength { get; }

    /// <summary>The entry (row, column) that coordinate <paramref name="k"/> moves, for naming coordinates.</summary>
    (int Row, int Column) CoordinateEntry(int k);

    /// <summary>log p(x) with respect to Lebesgue measure on the free entries; −∞ outside the support; NaN when a parameter or the shape is invalid.</summary>
    Real LogDensity(Real[,] x);

    /// <summary>Maps <paramref name="u"/> onto the support and adds log |det ∂x/∂u| (over the free entries) to <paramref name="logJacobian"/>.</summary>
    Real[,] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian);

    /// <summary>Writes the unconstrained coordinates of a value in the support into <paramref name="u"/> (the inverse of <see cref="Constrain"/>).</summary>
    void Unconstrain(double[,] x, Span<double> u);
}
