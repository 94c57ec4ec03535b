using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The Cholesky factor of an inverse-Wishart matrix with <see cref="Real"/> degrees of freedom and a random or data Cholesky factor of the
/// scale: the differentiable counterpart of <see cref="InverseWishartCholesky"/>. A draw has n(n + 1)/2 coordinates (the lower
/// triangle with a log diagonal, Stan's <c>cholesky_factor_cov</c> transform, on the tape); its log density is
/// differentiated in the factor, ν and the scale's factor through tape triangular solves (no factorisation: both
/// matrices arrive factored).
/// </summary>
public readonly struct RealInverseWishartCholesky : IRealMatrixContinuous, IRealVectorObservation<double[,]>
{
    private readonly Real[,]? _scaleCholesky;
    private readonly double[,]? _scaleCholeskyData;

    /// <summary>Creates the family from ν and a random (<paramref name="scaleCholesky"/>) or data (<paramref name="scaleCholeskyData"/>) scale factor.</summary>
    internal RealInverseWishartCholesky(Real nu, Real[,]? scaleCholesky, double[,]? scaleCholeskyData)
    {
        Nu = nu;
        _scaleCholesky = scaleCholesky;
        _scaleCholeskyData = scaleCholeskyData;
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Real Nu { get; }

    private int Dimension => _scaleCholesky?.GetLength(0) ?? _scaleCholeskyData?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "InverseWishartCholesky";

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

    private InverseWishartCholesky AtValuesCore() => new(Nu.Value, _scaleCholesky is { } s ? RealCovarianceMatrices.Values(s) : _scaleCholeskyData!);

    /// <inheritdoc />
    public (int Row, int Column) CoordinateEntry(int k) => RealCovarianceMatrices.CoordinateEntry(k);

    /// <summary>The Cholesky-factor transform (the lower triangle with a log diagonal), as <see cref="CholeskyFactorBijector"/>.</summary>
    public Real[,] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian) => RealCholeskyFactorMatrices.Constrain(Dimension, u, ref logJacobian);

    /// <inheritdoc />
    public void Unconstrain(double[,] x, Span<double> u) => new CholeskyFactorBijector(Math.Max(Dimension, 1)).Inverse(x, u);

    /// <inheritdoc />
    public Real LogDensity(Real[,] x) => x is null ? double.NaN : Core(x);

    /// <summary>The log density of an observed factor (differentiated in ν and the scale's factor).</summary>
    public Real LogDensity(double[,] value) => value is null ? double.NaN : Core(RealCovarianceMatrices.Lift(value));

    private Real Core(Real[,] x) =>
        Dimension < 1 ? double.NaN : RealCholeskyFactorMatrices.LogDensity(Nu, _scaleCholesky ?? RealCovarianceMatrices.Lift(_scaleCholeskyData!), x, inverse: true);

    /// <inheritdoc />
    public override string ToString() => $"InverseWishartCholesky({Nu.Value}, {Dimension}x{Dimension} scale factor)";
}
