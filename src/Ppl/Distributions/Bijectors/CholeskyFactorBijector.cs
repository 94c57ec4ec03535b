namespace Ppl.Distributions;

/// <summary>
/// Map from ℝ^(n(n+1)/2) onto n×n lower-triangular matrices with a positive diagonal, the Cholesky factors of covariance
/// matrices (Stan's <c>cholesky_factor_cov</c> transform, square case): coordinates are the lower triangle of L, diagonal
/// included, row by row, with Lᵢᵢ = e^uᵢᵢ and Lᵢⱼ = uᵢⱼ below the diagonal; the entries above it are zero. The
/// log-Jacobian onto the lower triangle of L is Σᵢ uᵢᵢ (only the exponentials stretch). The first half of
/// <see cref="CovarianceBijector"/>, which goes on to LLᵀ.
/// </summary>
public sealed class CholeskyFactorBijector(int dimension) : IBijector<double[,]>
{
    /// <summary>The matrix dimension n (at least 1).</summary>
    public int Dimension { get; } = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1");

    /// <inheritdoc />
    public int UnconstrainedSize => Dimension * (Dimension + 1) / 2;

    /// <inheritdoc />
    public double[,] Forward(ReadOnlySpan<double> unconstrained)
    {
        var n = Dimension;
        var l = new double[n, n];
        var p = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) l[i, j] = j == i ? Math.Exp(unconstrained[p++]) : unconstrained[p++];
        return l;
    }

    /// <summary>The coordinates of <paramref name="value"/>: its lower triangle with the log of the diagonal (NaN where the diagonal is not positive).</summary>
    public void Inverse(double[,] value, Span<double> unconstrained)
    {
        var p = 0;
        for (var i = 0; i < Dimension; i++)
            for (var j = 0; j <= i; j++) unconstrained[p++] = j == i ? (value[i, i] > 0 ? Math.Log(value[i, i]) : double.NaN) : value[i, j];
    }

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained)
    {
        double total = 0;
        var p = 0;
        for (var i = 0; i < Dimension; i++)
        {
            p += i;
            total += unconstrained[p++];
        }
        return total;
    }
}
