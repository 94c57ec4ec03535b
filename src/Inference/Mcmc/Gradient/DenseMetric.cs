namespace Ppl.Inference.Mcmc;

/// <summary>
/// A dense metric: M⁻¹ = Σ, a symmetric positive-definite matrix. Momenta are drawn as p = L⁻ᵀ z with
/// Σ = L Lᵀ, so that Cov(p) = Σ⁻¹ = M.
/// </summary>
public sealed class DenseMetric : Metric
{
    private readonly double[,] _inv;
    private readonly double[,] _chol;
    private readonly int _n;

    /// <summary>Creates the metric from M⁻¹ (copied; must be symmetric positive definite).</summary>
    public DenseMetric(double[,] inverse)
    {
        ArgumentNullException.ThrowIfNull(inverse);
        _n = inverse.GetLength(0);
        if (inverse.GetLength(1) != _n) throw new ArgumentException("The inverse metric must be square.", nameof(inverse));
        _inv = (double[,])inverse.Clone();
        _chol = Cholesky(_inv) ?? throw new ArgumentException("The inverse metric is not positive definite.", nameof(inverse));
    }

    /// <summary>M⁻¹ (a copy).</summary>
    public double[,] Inverse => (double[,])_inv.Clone();

    /// <inheritdoc />
    public override int Dimension => _n;

    /// <inheritdoc />
    public override void Velocity(ReadOnlySpan<double> p, Span<double> v)
    {
        for (var i = 0; i < _n; i++)
        {
            double s = 0;
            for (var j = 0; j < _n; j++) s += _inv[i, j] * p[j];
            v[i] = s;
        }
    }

    /// <inheritdoc />
    public override double Kinetic(ReadOnlySpan<double> p)
    {
        double s = 0;
        for (var i = 0; i < _n; i++)
        {
            double r = 0;
            for (var j = 0; j < _n; j++) r += _inv[i, j] * p[j];
            s += p[i] * r;
        }
        return 0.5 * s;
    }

    /// <inheritdoc />
    public override void SampleMomentum(Rng rng, Span<double> p)
    {
        Span<double> z = _n <= 256 ? stackalloc double[_n] : new double[_n];
        for (var i = 0; i < _n; i++) z[i] = rng.NextGaussian();
        // Back substitution: Lᵀ p = z.
        for (var i = _n - 1; i >= 0; i--)
        {
            var s = z[i];
            for (var j = i + 1; j < _n; j++) s -= _chol[j, i] * p[j];
            p[i] = s / _chol[i, i];
        }
    }

    internal static double[,]? Cholesky(double[,] a)
    {
        var n = a.GetLength(0);
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++) s -= l[i, k] * l[j, k];
                if (i == j)
                {
                    if (!(s > 0)) return null;
                    l[i, i] = Math.Sqrt(s);
                }
                else l[i, j] = s / l[j, j];
            }
        return l;
    }
}
