namespace Ppl.Distributions;

/// <summary>
/// Stick-breaking map from ℝ^(K−1) onto the open simplex in ℝᴷ (as in Stan's simplex transform).
/// Coordinate k breaks off the fraction zₖ = σ(uₖ − log(K − 1 − k)) of what is left of the stick; the
/// offset makes u = 0 map to the uniform point (1/K, …, 1/K). The log-Jacobian is that of the map onto
/// the first K − 1 coordinates (the last is determined by the sum):
/// Σₖ log zₖ + log(1 − zₖ) + log(remainingₖ).
/// </summary>
public sealed class StickBreakingBijector(int dimension) : IBijector<double[]>
{
    /// <summary>The dimension K of the simplex (at least 1).</summary>
    public int Dimension { get; } = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1");

    /// <inheritdoc />
    public int UnconstrainedSize => Dimension - 1;

    /// <inheritdoc />
    public double[] Forward(ReadOnlySpan<double> unconstrained)
    {
        var x = new double[Dimension];
        var remaining = 1.0;
        for (var k = 0; k < Dimension - 1; k++)
        {
            var z = MathUtil.Logistic(unconstrained[k] - Math.Log(Dimension - 1 - k));
            x[k] = remaining * z;
            remaining -= x[k];
        }
        x[Dimension - 1] = remaining;
        return x;
    }

    /// <inheritdoc />
    public void Inverse(double[] value, Span<double> unconstrained)
    {
        var remaining = 1.0;
        for (var k = 0; k < Dimension - 1; k++)
        {
            var z = value[k] / remaining;
            unconstrained[k] = Math.Log(z) - MathUtil.Log1p(-z) + Math.Log(Dimension - 1 - k);
            remaining -= value[k];
        }
    }

    /// <inheritdoc />
    public double LogAbsDetJacobian(ReadOnlySpan<double> unconstrained)
    {
        double sum = 0, logRemaining = 0;
        for (var k = 0; k < Dimension - 1; k++)
        {
            var a = unconstrained[k] - Math.Log(Dimension - 1 - k);
            // log z = −softplus(−a), log(1 − z) = −softplus(a): stable for large |a|.
            var logZ = -MathUtil.SoftPlus(-a);
            var log1mZ = -MathUtil.SoftPlus(a);
            sum += logZ + log1mZ + logRemaining;
            logRemaining += log1mZ;
        }
        return sum;
    }
}
