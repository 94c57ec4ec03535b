using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The Wishart distribution over covariance (or precision) matrices with <see cref="Real"/> degrees of freedom and a
/// random or data scale: the differentiable counterpart of <see cref="Wishart"/>. A draw has n(n + 1)/2 coordinates (the
/// lower triangle of a Cholesky factor with a log diagonal, Stan's <c>cov_matrix</c> transform, on the tape); its log
/// density is differentiated in the matrix, ν and the scale through tape Cholesky factorisations and triangular solves.
/// </summary>
public readonly struct RealWishart : IRealMatrixContinuous, IRealVectorObservation<double[,]>
{
    private readonly Real[,]? _scale;
    private readonly double[,]? _scaleData;

    /// <summary>Creates the family from ν and a random (<paramref name="scale"/>) or data (<paramref name="scaleData"/>) scale.</summary>
    internal RealWishart(Real nu, Real[,]? scale, double[,]? scaleData)
    {
        Nu = nu;
        _scale = scale;
        _scaleData = scaleData;
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Real Nu { get; }

    private int Dimension => _scale?.GetLength(0) ?? _scaleData?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "Wishart";

    /// <inheritdoc />
    public int Rows => Dimension;

    /// <inheritdoc />
    public int Columns => Dimension;

    /// <inheritdoc />
    public int UnconstrainedLength => Dimension * (Dimension + 1) / 2;

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private Wishart AtValuesCore() => new(Nu.Value, _scale is { } s ? RealCovarianceMatrices.Values(s) : _scaleData!);

    /// <inheritdoc />
    public (int Row, int Column) CoordinateEntry(int k) => RealCovarianceMatrices.CoordinateEntry(k);

    /// <summary>The covariance transform (a Cholesky factor with a log diagonal), as <see cref="CovarianceBijector"/>.</summary>
    public Real[,] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian) => RealCovarianceMatrices.Constrain(Dimension, u, ref logJacobian);

    /// <inheritdoc />
    public void Unconstrain(double[,] x, Span<double> u) => new CovarianceBijector(Math.Max(Dimension, 1)).Inverse(x, u);

    /// <inheritdoc />
    public Real LogDensity(Real[,] x) => x is null ? double.NaN : Core(x);

    /// <summary>The log density of an observed matrix (differentiated in ν and the scale).</summary>
    public Real LogDensity(double[,] value) => value is null ? double.NaN : Core(RealCovarianceMatrices.Lift(value));

    private Real Core(Real[,] x) =>
        Dimension < 1 ? double.NaN : RealCovarianceMatrices.LogDensity(Nu, _scale ?? RealCovarianceMatrices.Lift(_scaleData!), x, inverse: false);

    /// <inheritdoc />
    public override string ToString() => $"Wishart({Nu.Value}, {Dimension}x{Dimension} scale)";
}
