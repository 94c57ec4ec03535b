namespace Ppl.Distributions;

/// <summary>
/// The Cholesky factor of an inverse-Wishart matrix (Stan's <c>inv_wishart_cholesky</c>): L lower triangular with a
/// positive diagonal such that Σ = LLᵀ ~ InverseWishart(ν, Ψ), parameterised by the Cholesky factor L_Ψ of the scale
/// Ψ = L_Ψ L_Ψᵀ. Its density is the inverse-Wishart density of LLᵀ times the Jacobian of L ↦ LLᵀ on lower triangles,
/// 2ⁿ Πᵢ Lᵢᵢ^(n−i+1) (1-based i): log p(L) = n log 2 − Σᵢ (ν + i) log Lᵢᵢ − ½ ‖L⁻¹L_Ψ‖²_F − (νn/2) log 2
/// + ν Σᵢ log (L_Ψ)ᵢᵢ − log Γₙ(ν/2), with respect to Lebesgue measure on the lower triangle of L (diagonal included).
/// A choice of it is mapped from ℝ^(n(n+1)/2) by <see cref="CholeskyFactorBijector"/>. The array is not copied.
/// </summary>
public readonly struct InverseWishartCholesky : IDistribution<double[,]>, IHasBijector<double[,]>
{
    private const double Ln2 = 0.69314718055994531;
    private readonly string? _error;
    private readonly double _logDetScale;

    /// <summary>Creates InverseWishartCholesky(<paramref name="nu"/>, <paramref name="scaleCholesky"/>). Checked when used.</summary>
    public InverseWishartCholesky(double nu, double[,] scaleCholesky)
    {
        Nu = nu;
        ScaleCholesky = scaleCholesky;
        (_logDetScale, _error) = WishartParameters.ValidateCholesky(nu, scaleCholesky);
    }

    /// <summary>The degrees of freedom ν.</summary>
    public double Nu { get; }

    /// <summary>The Cholesky factor L_Ψ of the scale matrix (lower triangular; not a copy).</summary>
    public double[,] ScaleCholesky { get; }

    /// <summary>The dimension n.</summary>
    public int Dimension => ScaleCholesky?.GetLength(0) ?? 0;

    /// <inheritdoc />
    public string Family => "InverseWishartCholesky";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.CholeskyFactorOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError => ScaleCholesky is null ? "scaleCholesky must not be null" : _error;

    /// <inheritdoc />
    public IBijector<double[,]> Bijector => new CholeskyFactorBijector(Math.Max(Dimension, 1));

    /// <summary>
    /// Σ⁻¹ ~ Wishart(ν, Ψ⁻¹): with the Bartlett factor A (AAᵀ ~ Wishart(ν, I)) and Ψ⁻¹ = L_Ψ⁻ᵀL_Ψ⁻¹, Σ⁻¹ = L_Ψ⁻ᵀAAᵀL_Ψ⁻¹,
    /// so Σ = YᵀY with Y = A⁻¹L_Ψᵀ; the draw is Σ's Cholesky factor.
    /// </summary>
    public double[,] Sample(Rng rng)
    {
        ThrowIfInvalid();
        var n = Dimension;
        var a = WishartParameters.Bartlett(rng, Nu, n);
        // Y = A⁻¹ L_Ψᵀ, column by column: A y = (L_Ψᵀ)[:, c], whose entries are L_Ψ[c, i] (zero for i > c).
        var y = new double[n, n];
        for (var c = 0; c < n; c++)
            for (var i = 0; i < n; i++)
            {
                var s = i <= c ? ScaleCholesky[c, i] : 0.0;
                for (var k = 0; k < i; k++) s -= a[i, k] * y[k, c];
                y[i, c] = s / a[i, i];
            }
        var sigma = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                double s = 0;
                for (var k = 0; k < n; k++) s += y[k, i] * y[k, j];
                sigma[i, j] = sigma[j, i] = s;
            }
        // Positive definite by construction; a factorisation that fails (Σ beyond double range) is a draw we cannot represent.
        return Autodiff.RealLinearAlgebra.Cholesky(sigma)
               ?? throw new InvalidOperationException($"The inverse-Wishart draw is not numerically positive definite ({this}).");
    }

    /// <inheritdoc />
    public double LogDensity(double[,] value)
    {
        ThrowIfInvalid();
        var n = Dimension;
        if (!WishartParameters.IsCholeskyFactor(value, n)) return double.NegativeInfinity;
        double lp = n * Ln2 - 0.5 * Nu * n * Ln2 + 0.5 * Nu * _logDetScale - InverseWishart.LogMultivariateGamma(n, 0.5 * Nu);
        // 0-based row i is row i + 1 of the 1-based exponent −(ν + i).
        for (var i = 0; i < n; i++) lp -= (Nu + i + 1) * Math.Log(value[i, i]);
        // tr(Ψ(LLᵀ)⁻¹) = ‖L⁻¹L_Ψ‖²_F.
        return lp - 0.5 * WishartParameters.SolvedSquaredNorm(value, ScaleCholesky);
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
    public override string ToString() => $"InverseWishartCholesky({Nu}, {Dimension}x{Dimension} scale factor)";
}
