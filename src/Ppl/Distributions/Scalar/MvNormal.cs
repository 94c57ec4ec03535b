using MathNet.Numerics.LinearAlgebra;

namespace Ppl.Distributions;

/// <summary>
/// The multivariate normal distribution N(μ, Σ), held through the Cholesky factor L of Σ = LLᵀ, so
/// that a draw is μ + Lε and the density needs one triangular solve. Arrays are not copied: do not
/// change them afterwards.
/// </summary>
public readonly struct MvNormal : IDistribution<double[]>, IHasMoments<double[]>, IHasBijector<double[]>
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly double[] _mean;
    private readonly double[,] _cholesky;
    private readonly string? _error;
    private readonly double _sumLogDiag;

    /// <summary>Creates N(<paramref name="mean"/>, <paramref name="covariance"/>); the covariance is factored now, its problems reported when used.</summary>
    public MvNormal(double[] mean, double[,] covariance)
    {
        _mean = mean;
        _error = ParameterChecks.FiniteVector("mean", mean) ?? CheckCovariance(covariance, mean?.Length ?? 0);
        _cholesky = _error is null ? Factor(covariance, out _error) : new double[0, 0];
        _sumLogDiag = _error is null ? SumLogDiagonal(_cholesky) : double.NaN;
    }

    private MvNormal(double[] mean, double[,] choleskyFactor, bool _)
    {
        _mean = mean;
        _cholesky = choleskyFactor;
        _error = ParameterChecks.FiniteVector("mean", mean)
            ?? ParameterChecks.CholeskyFactor("choleskyFactor", choleskyFactor, mean?.Length ?? 0);
        _sumLogDiag = _error is null ? SumLogDiagonal(choleskyFactor) : double.NaN;
    }

    /// <summary>Creates N(μ, LLᵀ) from a lower-triangular factor L with a positive diagonal.</summary>
    public static MvNormal FromCholesky(double[] mean, double[,] choleskyFactor) => new(mean, choleskyFactor, true);

    private static string? CheckCovariance(double[,]? c, int d)
    {
        if (c is null) return "covariance must not be null";
        if (c.GetLength(0) != d || c.GetLength(1) != d)
            return $"covariance must be {d}x{d} to match the mean, got {c.GetLength(0)}x{c.GetLength(1)}";
        for (var i = 0; i < d; i++)
            for (var j = 0; j <= i; j++)
            {
                if (!double.IsFinite(c[i, j])) return $"covariance[{i},{j}] must be finite, got {ParameterChecks.Format(c[i, j])}";
                if (Math.Abs(c[i, j] - c[j, i]) > 1e-10 * (Math.Abs(c[i, j]) + Math.Abs(c[j, i]) + 1e-300))
                    return $"covariance must be symmetric, got covariance[{i},{j}] = {ParameterChecks.Format(c[i, j])} and covariance[{j},{i}] = {ParameterChecks.Format(c[j, i])}";
            }
        return null;
    }

    private static double[,] Factor(double[,] covariance, out string? error)
    {
        error = null;
        try
        {
            var l = Matrix<double>.Build.DenseOfArray(covariance).Cholesky().Factor.ToArray();
            for (var i = 0; i < l.GetLength(0); i++)
                if (!(l[i, i] > 0)) throw new ArgumentException("zero pivot");
            return l;
        }
        catch (ArgumentException)
        {
            error = "covariance must be positive definite, got a matrix whose Cholesky factorisation fails";
            return new double[0, 0];
        }
    }

    private static double SumLogDiagonal(double[,] l)
    {
        double s = 0;
        for (var i = 0; i < l.GetLength(0); i++) s += Math.Log(l[i, i]);
        return s;
    }

    /// <summary>The dimension d.</summary>
    public int Dimension => _mean?.Length ?? 0;

    /// <summary>The mean vector μ (not a copy).</summary>
    public ReadOnlySpan<double> Location => _mean;

    /// <summary>The lower-triangular Cholesky factor L of the covariance (not a copy).</summary>
    public double[,] CholeskyFactor => _cholesky;

    /// <summary>The covariance matrix LLᵀ (a new array).</summary>
    public double[,] Covariance
    {
        get
        {
            var d = Dimension;
            var c = new double[d, d];
            for (var i = 0; i < d; i++)
                for (var j = 0; j <= i; j++)
                {
                    double s = 0;
                    for (var k = 0; k <= j; k++) s += _cholesky[i, k] * _cholesky[j, k];
                    c[i, j] = c[j, i] = s;
                }
            return c;
        }
    }

    /// <inheritdoc />
    public string Family => "MvNormal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.RealVector(Dimension);

    /// <inheritdoc />
    public string? ParameterError => _mean is null ? "mean must not be null" : _error;

    /// <inheritdoc />
    public double[] Mean => _mean.ToArray();

    /// <inheritdoc />
    public double[] Variance
    {
        get
        {
            var d = Dimension;
            var v = new double[d];
            for (var i = 0; i < d; i++)
                for (var k = 0; k <= i; k++) v[i] += _cholesky[i, k] * _cholesky[i, k];
            return v;
        }
    }

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new IdentityVectorBijector(Dimension);

    /// <inheritdoc />
    public double[] Sample(Rng rng)
    {
        Check();
        var d = Dimension;
        Span<double> eps = d <= 64 ? stackalloc double[d] : new double[d];
        for (var i = 0; i < d; i++) eps[i] = rng.NextGaussian();
        return Reparameterize(eps);
    }

    /// <summary>The reparameterised draw μ + Lε for a standard normal vector ε.</summary>
    public double[] Reparameterize(ReadOnlySpan<double> epsilon)
    {
        var d = Dimension;
        var x = new double[d];
        for (var i = 0; i < d; i++)
        {
            var s = _mean[i];
            for (var k = 0; k <= i; k++) s += _cholesky[i, k] * epsilon[k];
            x[i] = s;
        }
        return x;
    }

    /// <inheritdoc />
    public double LogDensity(double[] value)
    {
        Check();
        var d = Dimension;
        if (value is null || value.Length != d) return double.NegativeInfinity;
        Span<double> z = d <= 64 ? stackalloc double[d] : new double[d];
        double q = 0;
        for (var i = 0; i < d; i++)
        {
            var s = value[i] - _mean[i];
            for (var k = 0; k < i; k++) s -= _cholesky[i, k] * z[k];
            z[i] = s / _cholesky[i, i];
            q += z[i] * z[i];
        }
        return double.IsNaN(q) ? double.NegativeInfinity : -0.5 * q - _sumLogDiag - d * HalfLog2Pi;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => _mean is null ? "MvNormal(null)" : $"MvNormal([{string.Join(", ", _mean)}], L)";
}
