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
    private const double Ln2 = 0.69314718055994531;
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

    private Wishart AtValuesCore()
    {
        if (_scale is not { } s) return new Wishart(Nu.Value, _scaleData!);
        var v = new double[s.GetLength(0), s.GetLength(1)];
        for (var i = 0; i < v.GetLength(0); i++)
            for (var j = 0; j < v.GetLength(1); j++) v[i, j] = s[i, j].Value;
        return new Wishart(Nu.Value, v);
    }

    /// <inheritdoc />
    public (int Row, int Column) CoordinateEntry(int k)
    {
        var i = 0;
        while ((i + 1) * (i + 2) / 2 <= k) i++;
        return (i, k - i * (i + 1) / 2);
    }

    /// <summary>
    /// Lᵢⱼ = uᵢⱼ below the diagonal, Lᵢᵢ = e^uᵢᵢ, Σ = LLᵀ (each entry one tape value shared by (i, j) and (j, i));
    /// log |det J| = n log 2 + Σᵢ (n − i + 1) uᵢᵢ (0-based i), as <see cref="CovarianceBijector"/>.
    /// </summary>
    public Real[,] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian)
    {
        var n = Dimension;
        var l = new Real[n, n];
        var p = 0;
        logJacobian += n * Ln2;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                if (j == i)
                {
                    l[i, i] = RealMath.Exp(u[p]);
                    logJacobian += (n - i + 1) * u[p];
                }
                else l[i, j] = u[p];
                p++;
            }
        var s = new Real[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                Real v = 0.0;
                for (var k = 0; k <= j; k++) v += l[i, k] * l[j, k];
                s[i, j] = v;
                s[j, i] = v;
            }
        return s;
    }

    /// <inheritdoc />
    public void Unconstrain(double[,] x, Span<double> u) => new CovarianceBijector(Math.Max(Dimension, 1)).Inverse(x, u);

    /// <inheritdoc />
    public Real LogDensity(Real[,] x) => x is null ? double.NaN : Core(x);

    /// <summary>The log density of an observed matrix (differentiated in ν and the scale).</summary>
    public Real LogDensity(double[,] value)
    {
        if (value is null) return double.NaN;
        var x = new Real[value.GetLength(0), value.GetLength(1)];
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < x.GetLength(1); j++) x[i, j] = value[i, j];
        return Core(x);
    }

    private Real Core(Real[,] x)
    {
        var n = Dimension;
        var nu = Nu.Value;
        if (n < 1 || !(nu > n - 1) || !double.IsFinite(nu) || x.GetLength(0) != n || x.GetLength(1) != n) return double.NaN;
        var scale = _scale ?? Lift(_scaleData!);
        if (scale.GetLength(1) != n) return double.NaN;
        var ls = RealLinearAlgebra.Cholesky(scale);
        for (var i = 0; i < n; i++)
            if (!(ls[i, i].Value > 0)) return double.NaN;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                if (!(Math.Abs(x[i, j].Value - x[j, i].Value) <= 1e-8 * (1 + Math.Abs(x[i, j].Value)))) return double.NegativeInfinity;
        var lx = RealLinearAlgebra.Cholesky(x);
        for (var i = 0; i < n; i++)
            if (!(lx[i, i].Value > 0)) return double.NegativeInfinity;
        // tr(S⁻¹W) = ‖L_S⁻¹ L_W‖²_F: one forward solve per column of W's factor.
        Real trace = 0.0;
        var column = new Real[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++) column[i] = i >= c ? lx[i, c] : 0.0;
            foreach (var z in RealLinearAlgebra.ForwardSolve(ls, column)) trace += z * z;
        }
        Real logGamma = 0.25 * n * (n - 1) * Math.Log(Math.PI);
        for (var j = 0; j < n; j++) logGamma += RealMath.LogGamma(0.5 * Nu - 0.5 * j);
        return 0.5 * (Nu - (n + 1)) * RealLinearAlgebra.LogDeterminantFromCholesky(lx) - 0.5 * trace - 0.5 * n * Ln2 * Nu
               - 0.5 * Nu * RealLinearAlgebra.LogDeterminantFromCholesky(ls) - logGamma;
    }

    private static Real[,] Lift(double[,] a)
    {
        var r = new Real[a.GetLength(0), a.GetLength(1)];
        for (var i = 0; i < r.GetLength(0); i++)
            for (var j = 0; j < r.GetLength(1); j++) r[i, j] = a[i, j];
        return r;
    }

    /// <inheritdoc />
    public override string ToString() => $"Wishart({Nu.Value}, {Dimension}x{Dimension} scale)";
}
