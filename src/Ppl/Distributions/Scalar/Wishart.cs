namespace Ppl.Distributions;

/// <summary>
/// The Wishart distribution over symmetric positive-definite n×n matrices W with ν degrees of freedom and scale S:
/// log p(W) = ((ν − n − 1)/2) log|W| − ½ tr(S⁻¹W) − (νn/2) log 2 − (ν/2) log|S| − log Γₙ(ν/2), with respect to
/// Lebesgue measure on the lower triangle of W (diagonal included); E[W] = νS. The conjugate prior of a normal
/// precision matrix, and the distribution of Σᵢ xᵢxᵢᵀ for ν independent N(0, S) vectors when ν is an integer. A choice of
/// it is a covariance matrix, mapped from ℝ^(n(n+1)/2) by <see cref="CovarianceBijector"/>. Draws by the Bartlett
/// decomposition. The array is not copied.
/// </summary>
public readonly struct Wishart : IDistribution<double[,]>, IHasBijector<double[,]>
{
    private const double Ln2 = 0.69314718055994531;
    private readonly string? _error;
    private readonly double[,]? _scaleFactor;
    private readonly double _logDetScale;

    /// <summary>Creates Wishart(<paramref name="nu"/>, <paramref name="scale"/>). Checked when used.</summary>
    public Wishart(double nu, double[,] scale)
    {
        Nu = nu;
        Scale = scale;
        (_scaleFactor, _logDetScale, _error) = WishartParameters.Validate(nu, scale);
    }

    /// <summary>The degrees of freedom ν.</summary>
    public double Nu { get; }

    /// <summary>The scale matrix S (not a copy).</summary>
    public double[,] Scale { get; }

    /// <summary>The dimension n.</summary>
    public int Dimension => Scale?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "Wishart";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.PositiveDefiniteOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => Scale is null ? "scale must not be null" : _error;

    /// <inheritdoc />
    public IBijector<double[,]> Bijector => new CovarianceBijector(Math.Max(Dimension, 1));

    /// <summary>
    /// Bartlett: W = (LA)(LA)ᵀ with L the Cholesky factor of S and A lower triangular, Aᵢᵢ = √χ²(ν − i) (0-based i) and
    /// Aᵢⱼ ~ N(0, 1) below the diagonal.
    /// </summary>
    public double[,] Sample(Rng rng)
    {
        ThrowIfInvalid();
        var n = Dimension;
        var l = _scaleFactor!;
        var a = WishartParameters.Bartlett(rng, Nu, n);
        // B = LA (lower triangular), W = BBᵀ.
        var b = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                double s = 0;
                for (var k = j; k <= i; k++) s += l[i, k] * a[k, j];
                b[i, j] = s;
            }
        var w = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                double s = 0;
                for (var k = 0; k <= j; k++) s += b[i, k] * b[j, k];
                w[i, j] = w[j, i] = s;
            }
        return w;
    }

    /// <inheritdoc />
    public double LogDensity(double[,] value)
    {
        ThrowIfInvalid();
        var n = Dimension;
        if (value is null || value.GetLength(0) != n || value.GetLength(1) != n) return double.NegativeInfinity;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                if (!(Math.Abs(value[i, j] - value[j, i]) <= 1e-8 * (1 + Math.Abs(value[i, j])))) return double.NegativeInfinity;
        var lw = Autodiff.RealLinearAlgebra.Cholesky(value);
        if (lw is null) return double.NegativeInfinity;
        double logDet = 0;
        for (var i = 0; i < n; i++) logDet += 2 * Math.Log(lw[i, i]);
        // tr(S⁻¹W) = ‖L_S⁻¹ L_W‖²_F: one forward solve per column of W's factor.
        var trace = WishartParameters.SolvedSquaredNorm(_scaleFactor!, lw);
        return 0.5 * (Nu - n - 1) * logDet - 0.5 * trace - 0.5 * Nu * n * Ln2 - 0.5 * Nu * _logDetScale
               - InverseWishart.LogMultivariateGamma(n, 0.5 * Nu);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[,])value);

    private void ThrowIfInvalid()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"Wishart({Nu}, {Dimension}x{Dimension} scale)";
}
