namespace Ppl.Autodiff;

/// <summary>
/// What the Cholesky forms of the Wishart and inverse-Wishart families over <see cref="Real"/> share: the transform of a
/// Cholesky factor of a covariance (Stan's <c>cholesky_factor_cov</c>: the lower triangle with a log diagonal), and the
/// log density, which differs only in which factor solves which (‖L_S⁻¹L‖² against ‖L⁻¹L_Ψ‖²) and in the weights of the
/// log-diagonals.
/// </summary>
internal static class RealCholeskyFactorMatrices
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>
    /// Lᵢⱼ = uᵢⱼ below the diagonal, Lᵢᵢ = e^uᵢᵢ, zeros above; log |det J| = Σᵢ uᵢᵢ, as
    /// <see cref="Distributions.CholeskyFactorBijector"/>.
    /// </summary>
    public static Real[,] Constrain(int n, ReadOnlySpan<Real> u, ref Real logJacobian)
    {
        var l = new Real[n, n];
        var p = 0;
        for (var i = 0; i < n; i++)
            for (var j = 0; j <= i; j++)
            {
                if (j == i)
                {
                    l[i, i] = RealMath.Exp(u[p]);
                    logJacobian += u[p];
                }
                else l[i, j] = u[p];
                p++;
            }
        return l;
    }

    /// <summary>Whether the values of <paramref name="l"/> form a lower-triangular matrix with a positive, finite diagonal and finite entries.</summary>
    private static bool IsCholeskyFactor(Real[,] l, int n)
    {
        for (var i = 0; i < n; i++)
        {
            if (!(l[i, i].Value > 0) || double.IsPositiveInfinity(l[i, i].Value)) return false;
            for (var j = 0; j < n; j++)
                if (j < i ? !double.IsFinite(l[i, j].Value) : j > i && l[i, j].Value != 0) return false;
        }
        return true;
    }

    /// <summary>
    /// log WishartCholesky(x; ν, L_S) or, with <paramref name="inverse"/>, log InverseWishartCholesky(x; ν, L_Ψ), the
    /// scale given by its factor <paramref name="scaleFactor"/>, differentiated in x, ν and the factor: NaN for invalid
    /// parameters, −∞ for an x that is not a Cholesky factor.
    /// </summary>
    public static Real LogDensity(Real nu, Real[,] scaleFactor, Real[,] x, bool inverse)
    {
        var n = scaleFactor.GetLength(0);
        if (n < 1 || !(nu.Value > n - 1) || !double.IsFinite(nu.Value) || scaleFactor.GetLength(1) != n || !IsCholeskyFactor(scaleFactor, n))
            return double.NaN;
        if (x.GetLength(0) != n || x.GetLength(1) != n) return double.NaN;
        if (!IsCholeskyFactor(x, n)) return double.NegativeInfinity;
        // Wishart: tr(S⁻¹LLᵀ) = ‖L_S⁻¹L‖²_F; inverse-Wishart: tr(Ψ(LLᵀ)⁻¹) = ‖L⁻¹L_Ψ‖²_F; one forward solve per column.
        var (solved, columns) = inverse ? (x, scaleFactor) : (scaleFactor, x);
        Real trace = 0.0;
        var column = new Real[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++) column[i] = i >= c ? columns[i, c] : 0.0;
            foreach (var z in RealLinearAlgebra.ForwardSolve(solved, column)) trace += z * z;
        }
        Real logGamma = 0.25 * n * (n - 1) * Math.Log(Math.PI);
        for (var j = 0; j < n; j++) logGamma += RealMath.LogGamma(0.5 * nu - 0.5 * j);
        // log|S| = 2 Σ log (L_S)ᵢᵢ enters as −(ν/2) log|S| (Wishart) or +(ν/2) log|Ψ| (inverse).
        Real logDiagScale = 0.0;
        for (var i = 0; i < n; i++) logDiagScale += RealMath.Log(scaleFactor[i, i]);
        // Σᵢ (ν − i) log Lᵢᵢ (Wishart) or −Σᵢ (ν + i) log Lᵢᵢ (inverse), 1-based i: the density of LLᵀ times 2ⁿ Πᵢ Lᵢᵢ^(n−i+1).
        Real logDiag = 0.0;
        for (var i = 0; i < n; i++)
        {
            var log = RealMath.Log(x[i, i]);
            logDiag += inverse ? -(nu + (i + 1)) * log : (nu - (i + 1)) * log;
        }
        return n * Ln2 - 0.5 * n * Ln2 * nu + (inverse ? nu * logDiagScale : -nu * logDiagScale) - logGamma + logDiag - 0.5 * trace;
    }
}
