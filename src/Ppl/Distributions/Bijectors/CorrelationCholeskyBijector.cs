namespace Ppl.Distributions;

/// <summary>
/// Map from ℝ^(n(n−1)/2) onto Cholesky factors of n×n correlation matrices through canonical partial
/// correlations (as in Stan's cholesky_corr transform). Coordinates are the strictly lower-triangular
/// entries in row-major order (row 1 column 0, row 2 columns 0–1, …); each becomes a partial
/// correlation zᵢⱼ = tanh(uᵢⱼ), and row i of L is Lᵢ₀ = zᵢ₀, Lᵢⱼ = zᵢⱼ·√(1 − Σₖ&lt;ⱼ Lᵢₖ²),
/// Lᵢᵢ = √(1 − Σₖ&lt;ᵢ Lᵢₖ²), so every row has unit norm. The log-Jacobian is that of u onto the
/// strictly lower entries of L: Σ log(1 − zᵢⱼ²) + ½ Σ log(1 − Σₖ&lt;ⱼ Lᵢₖ²).
/// </summary>
public sealed class CorrelationCholeskyBijector(int dimension) : IBijector<double[,]>
{
    /// <summary>The matrix dimension n (at least 1).</summary>
    public int Dimension { get; } = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1");

    /// <inheritdoc />
    public int UnconstrainedSize => Dimension * (Dimension - 1) / 2;

    /// <inheritdoc />
    public double[,] Forward(ReadOnlySpan<double> unconstrained)
    {
        var n = Dimension;
        var l = new double[n, n];
        l[0, 0] = 1;
        var p = 0;
        for (var i = 1; i < n; i++)
        {
            var sumSq = 0.0;
            for (var j = 0; j < i; j++)
            {
                var z = Math.Tanh(unconstrained[p++]);
                l[i, j] = z * Math.Sqrt(Math.Max(0, 1 - sumSq));
                sumSq += l[i, j] * l[i, j];
            }
            l[i, i] = Math.Sqrt(Math.Max(0, 1 - sumSq));
        }
        return l;
    }

    /// <inheritdoc />
    public void Inverse(double[,] value, Span<double> unconstrained)
    {
        var p = 0;
        for (var i = 1; i < Dimension; i++)
        {
            var sumSq = 0.0;
            for (var j = 0; j < i; j++)
            {
                var z = value[i, j] / Math.Sqrt(1 - sumSq);
                unconstrained[p++] = Math.Atanh(z);
                sumSq += value[i, j] * value[i, j];
            }
        }
    }

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained)
    {
        double total = 0;
        var p = 0;
        for (var i = 1; i < Dimension; i++)
        {
            // Work in log(1 − Σ Lᵢₖ²) = Σ log(1 − zᵢₖ²), which stays accurate when a row is nearly saturated.
            var logRemaining = 0.0;
            for (var j = 0; j < i; j++)
            {
                var u = unconstrained[p++];
                // log(1 − tanh²u) = log(sech²u) = 2(log 2 − |u| − log(1 + e^(−2|u|)))
                var log1mZ2 = 2 * (0.69314718055994531 - Math.Abs(u) - MathUtil.Log1p(Math.Exp(-2 * Math.Abs(u))));
                total += log1mZ2 + 0.5 * logRemaining;
                logRemaining += log1mZ2;
            }
        }
        return total;
    }
}
