namespace Ppl.Distributions;

/// <summary>
/// The Cholesky factor of a Wishart matrix (Stan's <c>wishart_cholesky</c>): L lower triangular with a positive diagonal
/// such that W = LLᵀ ~ Wishart(ν, S), parameterised by the Cholesky factor L_S of the scale S = L_S L_Sᵀ. Its density is
/// the Wishart density of LLᵀ times the Jacobian of L ↦ LLᵀ on lower triangles, 2ⁿ Πᵢ Lᵢᵢ^(n−i+1) (1-based i):
/// log p(L) = n log 2 + Σᵢ (ν − i) log Lᵢᵢ − ½ ‖L_S⁻¹L‖²_F − (νn/2) log 2 − ν Σᵢ log (L_S)ᵢᵢ − log Γₙ(ν/2), with respect to
/// Lebesgue measure on the lower triangle of L (diagonal included). It spares a model the factorisation of a sampled
/// covariance (the factor goes straight into <c>MvNormalCholesky</c>). A choice of it is mapped from ℝ^(n(n+1)/2) by
/// <see cref="CholeskyFactorBijector"/>. Draws by the Bartlett decomposition, L = L_S A. The array is not copied.
/// </summary>
public readonly struct WishartCholesky : IDistribution<double[,]>, IHasBijector<double[,]>
{
    private const double Ln2 = 0.69314718055994531;
    private readonly string? _error;
    private readonly double _logDetScale;

    /// <summary>Creates WishartCholesky(<paramref name="nu"/>, <paramref name="scaleCholesky"/>). Checked when used.</summary>
    public WishartCholesky(double nu, double[,] scaleCholesky)
    {
        Nu = nu;
        ScaleCholesky = scaleCholesky;
        (_logDetScale, _error) = WishartParameters.ValidateCholesky(nu, scaleCholesky);
    }

    /// <summary>The degrees of freedom ν.</summary>
    public double Nu { get; }

    /// <summary>The Cholesky factor L_S of the scale matrix (lower triangular; not a copy).</summary>
    public double[,] ScaleCholesky { get; }

    /// <summary>The dimension n.</summary>
    public int Dimension => ScaleCholesky?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "WishartCholesky";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.CholeskyFactorOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => ScaleCholesky is null ? "scaleCholesky must not be null" : _error;

    /// <inheritdoc />
    public IBijector<double[,]> Bijector => new CholeskyFactorBijector(Math.Max(Dimension, 1));

    /// <summary>
    /// Bartlett: W = (L_S A)(L_S A)ᵀ with A lower triangular, Aᵢᵢ = √χ²(ν − i) (0-based i), Aᵢⱼ ~ N(0, 1) below the
    /// diagonal; L_S A is lower triangular with a positive diagonal, so it is W's Cholesky factor.
    /// </summary>
    public double[,] Sample(Rng rng)
    {
        ThrowIfInvalid();
        var n = Dimension;
        var a = WishartParameters.Bartlett(rng, Nu, n);
        var ls = ScaleCholesky;
        var l = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                double s = 0;
                for (var k = j; k <= i; k++) s += ls[i, k] * a[k, j];
                l[i, j] = s;
            }
        return l;
    }

    /// <inheritdoc />
    public double LogDensity(double[,] value)
    {
        ThrowIfInvalid();
        var n = Dimension;
        if (!WishartParameters.IsCholeskyFactor(value, n)) return double.NegativeInfinity;
        double lp = n * Ln2 - 0.5 * Nu * n * Ln2 - 0.5 * Nu * _logDetScale - InverseWishart.LogMultivariateGamma(n, 0.5 * Nu);
        // 0-based row i is row i + 1 of the 1-based exponent ν − i.
        for (var i = 0; i < n; i++) lp += (Nu - i - 1) * Math.Log(value[i, i]);
        // tr(S⁻¹LLᵀ) = ‖L_S⁻¹L‖²_F.
        return lp - 0.5 * WishartParameters.SolvedSquaredNorm(ScaleCholesky, value);
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
    public override string ToString() => $"WishartCholesky({Nu}, {Dimension}x{Dimension} scale factor)";
}
