namespace Ppl.Distributions;

/// <summary>
/// Map from ℝ^(n(n+1)/2) onto symmetric positive-definite n×n matrices (Stan's <c>cov_matrix</c> transform):
/// coordinates are the lower triangle of a Cholesky factor L, diagonal included, row by row, with Lᵢᵢ = e^uᵢᵢ; the
/// value is Σ = LLᵀ. The log-Jacobian is that of u onto the lower triangle of Σ:
/// n log 2 + Σᵢ (n − i + 1) log Lᵢᵢ (0-based i; the map L ↦ LLᵀ contributes 2ⁿ Πᵢ Lᵢᵢ^(n−i), the exponentials Πᵢ Lᵢᵢ).
/// </summary>
public sealed class CovarianceBijector(int dimension) : IBijector<double[,]>
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
        var s = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                double v = 0;
                for (var k = 0; k <= j; k++) v += l[i, k] * l[j, k];
                s[i, j] = s[j, i] = v;
            }
        return s;
    }

    /// <inheritdoc />
    public void Inverse(double[,] value, Span<double> unconstrained)
    {
        var l = Autodiff.RealLinearAlgebra.Cholesky(value);
        var p = 0;
        for (var i = 0; i < Dimension; i++)
            for (var j = 0; j <= i; j++) unconstrained[p++] = l is null ? double.NaN : j == i ? Math.Log(l[i, i]) : l[i, j];
    }

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained)
    {
        var n = Dimension;
        var total = n * 0.69314718055994531;
        var p = 0;
        for (var i = 0; i < n; i++)
        {
            p += i;
            total += (n - i + 1) * unconstrained[p++];
        }
        return total;
    }
}
