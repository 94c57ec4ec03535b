namespace Ppl.Distributions;

/// <summary>
/// The parameter checks and the scale's factorisation that <see cref="Wishart"/>, <see cref="InverseWishart"/> and their
/// Cholesky forms (<see cref="WishartCholesky"/>, <see cref="InverseWishartCholesky"/>) share.
/// </summary>
internal static class WishartParameters
{
    /// <summary>
    /// Checks ν and the scale (finite, square, symmetric, ν &gt; n − 1, positive definite) and returns the scale's
    /// Cholesky factor and log-determinant, or the first problem found (factor null, log-determinant NaN).
    /// </summary>
    public static (double[,]? Factor, double LogDeterminant, string? Error) Validate(double nu, double[,]? scale)
    {
        if (Check(nu, scale) is { } error) return (null, double.NaN, error);
        var l = Autodiff.RealLinearAlgebra.Cholesky(scale!);
        if (l is null) return (null, double.NaN, "scale must be positive definite, got a matrix whose Cholesky factorisation fails");
        double logDet = 0;
        for (var i = 0; i < l.GetLength(0); i++) logDet += 2 * Math.Log(l[i, i]);
        return (l, logDet, null);
    }

    /// <summary>
    /// Checks ν and a Cholesky factor of the scale (lower triangular, positive finite diagonal, finite entries,
    /// ν &gt; n − 1) and returns the scale's log-determinant 2 Σᵢ log Lᵢᵢ, or the first problem found (NaN).
    /// </summary>
    public static (double LogDeterminant, string? Error) ValidateCholesky(double nu, double[,]? scaleCholesky)
    {
        if (scaleCholesky is null) return (double.NaN, "scaleCholesky must not be null");
        var n = scaleCholesky.GetLength(0);
        if (n < 1 || scaleCholesky.GetLength(1) != n)
            return (double.NaN, $"scaleCholesky must be a non-empty square matrix, got {scaleCholesky.GetLength(0)}x{scaleCholesky.GetLength(1)}");
        if (ParameterChecks.CholeskyFactor("scaleCholesky", scaleCholesky, n) is { } error) return (double.NaN, error);
        if (!(nu > n - 1) || !double.IsFinite(nu)) return (double.NaN, $"nu must be finite and greater than dimension − 1 = {n - 1}, got {ParameterChecks.Format(nu)}");
        double logDet = 0;
        for (var i = 0; i < n; i++) logDet += 2 * Math.Log(scaleCholesky[i, i]);
        return (logDet, null);
    }

    /// <summary>
    /// Whether <paramref name="value"/> is an n×n Cholesky factor: lower triangular (exact zeros above the diagonal), a
    /// positive diagonal, finite entries. Outside that set the Cholesky forms' densities are zero.
    /// </summary>
    public static bool IsCholeskyFactor(double[,]? value, int n)
    {
        if (value is null || value.GetLength(0) != n || value.GetLength(1) != n) return false;
        for (var i = 0; i < n; i++)
        {
            if (!(value[i, i] > 0) || double.IsPositiveInfinity(value[i, i])) return false;
            for (var j = 0; j < n; j++)
                if (j < i ? !double.IsFinite(value[i, j]) : j > i && value[i, j] != 0) return false;
        }
        return true;
    }

    /// <summary>
    /// ‖L_a⁻¹ L_b‖²_F for lower-triangular factors: one forward solve per column of <paramref name="b"/>. It is tr(A⁻¹B)
    /// for A = L_a L_aᵀ and B = L_b L_bᵀ, the trace term of both Wishart densities.
    /// </summary>
    public static double SolvedSquaredNorm(double[,] a, double[,] b)
    {
        var n = a.GetLength(0);
        double total = 0;
        var z = new double[n];
        for (var c = 0; c < n; c++)
            for (var i = 0; i < n; i++)
            {
                var s = i >= c ? b[i, c] : 0.0;
                for (var k = 0; k < i; k++) s -= a[i, k] * z[k];
                z[i] = s / a[i, i];
                total += z[i] * z[i];
            }
        return total;
    }

    /// <summary>
    /// The Bartlett factor A of a W(ν, I) draw AAᵀ: lower triangular, Aᵢᵢ = √χ²(ν − i) (0-based i), Aᵢⱼ ~ N(0, 1) below
    /// the diagonal.
    /// </summary>
    public static double[,] Bartlett(Rng rng, double nu, int n)
    {
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            // χ²(k) = 2 Gamma(k/2, 1).
            a[i, i] = Math.Sqrt(2 * MathNet.Numerics.Distributions.Gamma.Sample(rng, 0.5 * (nu - i), 1.0));
            for (var j = 0; j < i; j++) a[i, j] = rng.NextGaussian();
        }
        return a;
    }

    private static string? Check(double nu, double[,]? scale)
    {
        if (scale is null) return "scale must not be null";
        var n = scale.GetLength(0);
        if (n < 1 || scale.GetLength(1) != n) return $"scale must be a non-empty square matrix, got {scale.GetLength(0)}x{scale.GetLength(1)}";
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                if (!double.IsFinite(scale[i, j])) return $"scale[{i},{j}] must be finite, got {ParameterChecks.Format(scale[i, j])}";
                if (Math.Abs(scale[i, j] - scale[j, i]) > 1e-10 * (Math.Abs(scale[i, j]) + Math.Abs(scale[j, i]) + 1e-300))
                    return $"scale must be symmetric, got scale[{i},{j}] = {ParameterChecks.Format(scale[i, j])} and scale[{j},{i}] = {ParameterChecks.Format(scale[j, i])}";
            }
        if (!(nu > n - 1) || !double.IsFinite(nu)) return $"nu must be finite and greater than dimension − 1 = {n - 1}, got {ParameterChecks.Format(nu)}";
        return null;
    }
}
