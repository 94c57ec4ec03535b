using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The multivariate normal over a <see cref="Real"/> (or data) mean and a covariance or lower Cholesky factor that is
/// a <see cref="Real"/> matrix (random) or data: the differentiable counterpart of <see cref="MvNormal"/> (both
/// <c>MvNormal(mean, covariance)</c> and <c>MvNormalCholesky(mean, choleskyFactor)</c>). A draw is a choice on ℝᴷ
/// (identity map, K coordinates); its log density is one operation over the value, the mean and the factor
/// (<see cref="RealDensity.MultiNormalCholesky(ReadOnlySpan{Real}, ReadOnlySpan{Real}, Real[,])"/>), a random covariance
/// being factored on the tape first.
/// </summary>
public readonly struct RealMvNormal : IRealVectorContinuous, IRealVectorObservation<double[]>
{
    private readonly Real[]? _mean;
    private readonly double[]? _meanData;
    private readonly Real[,]? _matrix;
    private readonly double[,]? _matrixData;
    private readonly bool _cholesky;

    /// <summary>Creates the family; exactly one of each pair (mean, matrix) is non-null; <paramref name="cholesky"/> says the matrix is a lower factor.</summary>
    internal RealMvNormal(Real[]? mean, double[]? meanData, Real[,]? matrix, double[,]? matrixData, bool cholesky)
    {
        _mean = mean;
        _meanData = meanData;
        _matrix = matrix;
        _matrixData = matrixData;
        _cholesky = cholesky;
    }

    /// <inheritdoc />
    public string Family => "MvNormal";

    /// <inheritdoc />
    public int Length => _mean?.Length ?? _meanData?.Length ?? 0;

    /// <inheritdoc />
    public int UnconstrainedLength => Length;

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private MvNormal AtValuesCore()
    {
        var mean = _mean is { } m ? RealVectorBuffers.Values(m) : _meanData!;
        var matrix = _matrix is { } r ? Values(r) : _matrixData!;
        return _cholesky ? MvNormal.FromCholesky(mean, matrix) : new MvNormal(mean, matrix);
    }

    private static double[,] Values(Real[,] a)
    {
        var v = new double[a.GetLength(0), a.GetLength(1)];
        for (var i = 0; i < v.GetLength(0); i++)
            for (var j = 0; j < v.GetLength(1); j++) v[i, j] = a[i, j].Value;
        return v;
    }

    /// <summary>The identity: a multivariate normal lives on all of ℝᴷ (no log-Jacobian).</summary>
    public Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian) => u[..Length].ToArray();

    /// <inheritdoc />
    public void Unconstrain(ReadOnlySpan<double> x, Span<double> u) => x[..Length].CopyTo(u);

    /// <inheritdoc />
    public Real LogDensity(Real[] x)
    {
        if (x is null || Factor() is not { } l) return double.NaN;
        return _mean is { } m ? RealDensity.MultiNormalCholesky(x, m, l) : RealDensity.MultiNormalCholesky(x, _meanData, l);
    }

    /// <summary>The log density of an observed vector (differentiated in the mean and the covariance or factor).</summary>
    public Real LogDensity(double[] value)
    {
        if (value is null || Factor() is not { } l) return double.NaN;
        return _mean is { } m ? RealDensity.MultiNormalCholesky(value, m, l) : RealDensity.MultiNormalCholesky(value, _meanData, l);
    }

    /// <summary>
    /// The lower Cholesky factor as a tape matrix (data lifted to constants), or null when a shape does not match the
    /// mean (the log density is then NaN and <see cref="ParameterError"/> names the shape); a covariance that is not
    /// positive definite gives a factor with NaN entries.
    /// </summary>
    private Real[,]? Factor()
    {
        var n = Length;
        if (n == 0 || (_matrix?.GetLength(0) ?? _matrixData?.GetLength(0)) != n || (_matrix?.GetLength(1) ?? _matrixData?.GetLength(1)) != n) return null;
        if (_matrix is { } r) return _cholesky ? r : RealLinearAlgebra.Cholesky(r);
        var data = _cholesky ? _matrixData! : DataFactor(_matrixData!);
        var l = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++) l[i, j] = data is null ? double.NaN : data[i, j];
        return l;
    }

    [ThreadStatic]
    private static double[,]? t_lastCovariance;

    [ThreadStatic]
    private static double[,]? t_lastFactor;

    /// <summary>
    /// The factor of a data covariance, remembered for the last covariance array this thread saw: a model observes many
    /// rows against one covariance, and every gradient evaluates it again, so factoring it once saves O(K³) per site.
    /// The array is compared by reference (the families do not copy their arrays: they must not change afterwards).
    /// </summary>
    private static double[,]? DataFactor(double[,] covariance)
    {
        if (ReferenceEquals(covariance, t_lastCovariance)) return t_lastFactor;
        var factor = RealLinearAlgebra.Cholesky(covariance);
        t_lastCovariance = covariance;
        t_lastFactor = factor;
        return factor;
    }

    /// <inheritdoc />
    public override string ToString() => $"MvNormal({Length} dimensions)";
}
