namespace Ppl.Autodiff;

/// <summary>
/// What the Wishart and inverse-Wishart families over <see cref="Real"/> share: the covariance-matrix transform (Stan's
/// <c>cov_matrix</c>: a Cholesky factor with a log diagonal), its coordinates, and the log density, which differs only
/// in which matrix's factor solves which (tr(S⁻¹W) against tr(ΨΣ⁻¹)) and in the log-determinant weights.
/// </summary>
internal static class RealCovarianceMatrices
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>The (row, column) of the k-th coordinate: the lower triangle row by row.</summary>
    public static (int Row, int Column) CoordinateEntry(int k)
    {
        var i = 0;
        while ((i + 1) * (i + 2) / 2 <= k) i++;
        return (i, k - i * (i + 1) / 2);
    }

    /// <summary>
    /// Lᵢⱼ = uᵢⱼ below the diagonal, Lᵢᵢ = e^uᵢᵢ, Σ = LLᵀ (each entry one tape value shared by (i, j) and (j, i));
    /// log |det J| = n log 2 + Σᵢ (n − i + 1) uᵢᵢ (0-based i), as <see cref="Distributions.CovarianceBijector"/>.
    /// </summary>
    public static Real[,] Constrain(int n, ReadOnlySpan<Real> u, ref Real logJacobian)
    {
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

    /// <summary>The values of a matrix of <see cref="Real"/>s.</summary>
    public static double[,] Values(Real[,] s)
    {
        var v = new double[s.GetLength(0), s.GetLength(1)];
        for (var i = 0; i < v.GetLength(0); i++)
            for (var j = 0; j < v.GetLength(1); j++) v[i, j] = s[i, j].Value;
        return v;
    }

    /// <summary>A matrix of data as tape constants.</summary>
    public static Real[,] Lift(double[,] a)
    {
        var r = new Real[a.GetLength(0), a.GetLength(1)];
        for (var i = 0; i < r.GetLength(0); i++)
            for (var j = 0; j < r.GetLength(1); j++) r[i, j] = a[i, j];
        return r;
    }

    /// <summary>
    /// log W(x; ν, S) or, with <paramref name="inverse"/>, log W⁻¹(x; ν, Ψ = S), differentiated in x, ν and the scale:
    /// NaN for invalid parameters, −∞ for a matrix that is not symmetric positive definite.
    /// </summary>
    public static Real LogDensity(Real nu, Real[,] scale, Real[,] x, bool inverse)
    {
        var n = scale.GetLength(0);
        if (n < 1 || !(nu.Value > n - 1) || !double.IsFinite(nu.Value) || scale.GetLength(1) != n || x.GetLength(0) != n || x.GetLength(1) != n)
            return double.NaN;
        var ls = RealLinearAlgebra.Cholesky(scale);
        for (var i = 0; i < n; i++)
            if (!(ls[i, i].Value > 0)) return double.NaN;
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
                if (!(Math.Abs(x[i, j].Value - x[j, i].Value) <= 1e-8 * (1 + Math.Abs(x[i, j].Value)))) return double.NegativeInfinity;
        var lx = RealLinearAlgebra.Cholesky(x);
        for (var i = 0; i < n; i++)
            if (!(lx[i, i].Value > 0)) return double.NegativeInfinity;
        // Wishart: tr(S⁻¹x) = ‖L_S⁻¹ L_x‖²_F; inverse-Wishart: tr(Ψx⁻¹) = ‖L_x⁻¹ L_Ψ‖²_F; one forward solve per column.
        var (solved, columns) = inverse ? (lx, ls) : (ls, lx);
        Real trace = 0.0;
        var column = new Real[n];
        for (var c = 0; c < n; c++)
        {
            for (var i = 0; i < n; i++) column[i] = i >= c ? columns[i, c] : 0.0;
            foreach (var z in RealLinearAlgebra.ForwardSolve(solved, column)) trace += z * z;
        }
        Real logGamma = 0.25 * n * (n - 1) * Math.Log(Math.PI);
        for (var j = 0; j < n; j++) logGamma += RealMath.LogGamma(0.5 * nu - 0.5 * j);
        var logDetScale = RealLinearAlgebra.LogDeterminantFromCholesky(ls);
        var logDetX = RealLinearAlgebra.LogDeterminantFromCholesky(lx);
        return inverse
            ? 0.5 * nu * logDetScale - 0.5 * n * Ln2 * nu - logGamma - 0.5 * (nu + (n + 1)) * logDetX - 0.5 * trace
            : 0.5 * (nu - (n + 1)) * logDetX - 0.5 * trace - 0.5 * n * Ln2 * nu - 0.5 * nu * logDetScale - logGamma;
    }
}
