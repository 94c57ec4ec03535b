namespace Ppl.Distributions;

/// <summary>The parameter checks and the scale's factorisation that <see cref="Wishart"/> and <see cref="InverseWishart"/> share.</summary>
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
