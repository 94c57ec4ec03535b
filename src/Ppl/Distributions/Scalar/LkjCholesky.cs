using MathNet.Numerics;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Distributions;

/// <summary>
/// The LKJ distribution (Lewandowski, Kurowicka and Joe 2009) over Cholesky factors L of n×n
/// correlation matrices R = LLᵀ, with density ∝ det(R)^(η−1), expressed in L as Stan's
/// <c>lkj_corr_cholesky</c>: log p(L) = c + Σᵢ₌₂ⁿ (n − i + 2η − 2) log Lᵢᵢ (1-based i), with respect to
/// Lebesgue measure on the strictly lower-triangular entries of L.
/// <para>
/// The constant follows from the C-vine construction: the canonical partial correlation of level j
/// (conditioning on j − 1 variables, j = 1 … n − 1) is Beta(βⱼ, βⱼ) on (−1, 1) with βⱼ = η + (n − 1 − j)/2,
/// independently; the map from those to L has Jacobian Πᵢ Πⱼ&lt;ᵢ √(1 − Σₖ&lt;ⱼ Lᵢₖ²).
/// Draws use exactly that construction.
/// </para>
/// </summary>
public readonly struct LkjCholesky : IDistribution<double[,]>, IHasBijector<double[,]>
{
    /// <summary>Creates LKJ-Cholesky(<paramref name="dimension"/>, <paramref name="eta"/>). Checked when used.</summary>
    public LkjCholesky(int dimension, double eta)
    {
        Dimension = dimension;
        Eta = eta;
    }

    /// <summary>The matrix dimension n ≥ 1.</summary>
    public int Dimension { get; }

    /// <summary>The shape η &gt; 0 (1: uniform over correlation matrices; larger: concentrated at the identity).</summary>
    public double Eta { get; }

    /// <inheritdoc />
    public string Family => "LkjCholesky";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.CorrelationCholeskyOf(Dimension);

    /// <inheritdoc />
    public string? ParameterError =>
        Dimension < 1 ? $"dimension must be at least 1, got {Dimension}" : ParameterChecks.Positive("eta", Eta);

    /// <inheritdoc />
    public IBijector<double[,]> Bijector => new CorrelationCholeskyBijector(Dimension);

    /// <summary>The shape βⱼ of the partial correlations at vine level <paramref name="level"/> (1-based).</summary>
    private double LevelShape(int level) => Eta + 0.5 * (Dimension - 1 - level);

    /// <summary>The log normalising constant c.</summary>
    public double LogNormalizer
    {
        get
        {
            double c = 0;
            for (var j = 1; j < Dimension; j++)
            {
                var b = LevelShape(j);
                // Beta(b, b) stretched to (−1, 1): density (1 − z²)^(b−1) / (2^(2b−1) B(b, b)); n − j of them at level j.
                c += (Dimension - j) * (-(2 * b - 1) * Constants.Ln2 - SpecialFunctions.BetaLn(b, b));
            }
            return c;
        }
    }

    /// <inheritdoc />
    public double[,] Sample(Rng rng)
    {
        Check();
        var n = Dimension;
        var u = new double[n * (n - 1) / 2];
        var p = 0;
        for (var i = 1; i < n; i++)
            for (var j = 0; j < i; j++)
            {
                var b = LevelShape(j + 1);
                var z = 2 * MN.Beta.Sample(rng, b, b) - 1;
                u[p++] = Math.Atanh(Math.Clamp(z, -1 + 1e-16, 1 - 1e-16));
            }
        return new CorrelationCholeskyBijector(n).Forward(u);
    }

    /// <inheritdoc />
    public double LogDensity(double[,] value)
    {
        Check();
        var n = Dimension;
        if (value is null || value.GetLength(0) != n || value.GetLength(1) != n) return double.NegativeInfinity;
        double lp = 0;
        for (var i = 0; i < n; i++)
        {
            double norm = 0;
            for (var j = 0; j < n; j++)
            {
                var v = value[i, j];
                if (j > i && v != 0) return double.NegativeInfinity;
                if (!double.IsFinite(v)) return double.NegativeInfinity;
                norm += v * v;
            }
            if (!(value[i, i] > 0) || Math.Abs(norm - 1) > 1e-8) return double.NegativeInfinity;
            // 0-based row i is row i + 1 in the 1-based formula: exponent n − (i + 1) + 2η − 2.
            if (i > 0) lp += (n - i - 3 + 2 * Eta) * Math.Log(value[i, i]);
        }
        return lp + LogNormalizer;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[,])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"LkjCholesky({Dimension}, {Eta})";
}
