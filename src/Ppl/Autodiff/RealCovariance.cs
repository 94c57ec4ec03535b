namespace Ppl.Autodiff;

/// <summary>
/// Gaussian-process covariance functions over <see cref="Real"/> hyperparameters and constant inputs (Stan's
/// <c>gp_exp_quad_cov</c>, <c>gp_matern32_cov</c>, <c>gp_matern52_cov</c>, <c>gp_periodic_cov</c>). Each entry is one
/// tape node with its analytic partials towards the hyperparameters; the symmetric matrix shares each off-diagonal
/// entry between (i, j) and (j, i). <c>jitter</c> is added to the diagonal (a constant), as models do before a
/// Cholesky factorisation. Inputs are points on a line (<c>ReadOnlySpan&lt;double&gt;</c>) or in ℝᵈ
/// (<c>double[][]</c>, Euclidean distance). Non-positive hyperparameters give NaN entries.
/// </summary>
public static class RealCovariance
{
    private enum Kind { ExpQuad, Matern32, Matern52, Periodic }

    /// <summary>k(x, x′) = α² exp(−d²/(2ρ²)).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] ExpQuad(ReadOnlySpan<double> x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.ExpQuad, alpha, rho, default, jitter);

    /// <summary>k(x, x′) = α² exp(−d²/(2ρ²)) over points in ℝᵈ.</summary>
    /// <param name="x">The inputs, one array per point.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] ExpQuad(double[][] x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.ExpQuad, alpha, rho, default, jitter);

    /// <summary>Matérn 3/2: k = α² (1 + √3 d/ρ) exp(−√3 d/ρ).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Matern32(ReadOnlySpan<double> x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Matern32, alpha, rho, default, jitter);

    /// <summary>Matérn 3/2 over points in ℝᵈ.</summary>
    /// <param name="x">The inputs, one array per point.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Matern32(double[][] x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Matern32, alpha, rho, default, jitter);

    /// <summary>Matérn 5/2: k = α² (1 + √5 d/ρ + 5d²/(3ρ²)) exp(−√5 d/ρ).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Matern52(ReadOnlySpan<double> x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Matern52, alpha, rho, default, jitter);

    /// <summary>Matérn 5/2 over points in ℝᵈ.</summary>
    /// <param name="x">The inputs, one array per point.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Matern52(double[][] x, Real alpha, Real rho, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Matern52, alpha, rho, default, jitter);

    /// <summary>Periodic: k = α² exp(−2 sin²(π d/p)/ρ²).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="period">The period p.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Periodic(ReadOnlySpan<double> x, Real alpha, Real rho, Real period, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Periodic, alpha, rho, period, jitter);

    /// <summary>Periodic over points in ℝᵈ (of the Euclidean distance).</summary>
    /// <param name="x">The inputs, one array per point.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    /// <param name="period">The period p.</param>
    /// <param name="jitter">Added to the diagonal.</param>
    public static Real[,] Periodic(double[][] x, Real alpha, Real rho, Real period, double jitter = 0) =>
        Symmetric(SquaredDistances(x), Kind.Periodic, alpha, rho, period, jitter);

    private static double[,] SquaredDistances(ReadOnlySpan<double> x)
    {
        var n = x.Length;
        var d = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < i; j++)
            {
                var t = x[i] - x[j];
                d[i, j] = t * t;
            }
        return d;
    }

    private static double[,] SquaredDistances(double[][] x)
    {
        var n = x.Length;
        var d = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            if (x[i] is null || x[i].Length != x[0].Length)
                throw new ArgumentException($"Point {i} has {x[i]?.Length ?? 0} coordinates; point 0 has {x[0].Length}.", nameof(x));
            for (var j = 0; j < i; j++)
            {
                double s = 0;
                for (var k = 0; k < x[i].Length; k++)
                {
                    var t = x[i][k] - x[j][k];
                    s += t * t;
                }
                d[i, j] = s;
            }
        }
        return d;
    }

    /// <summary>The matrix from the lower triangle of squared distances; each off-diagonal node is shared by (i, j) and (j, i).</summary>
    private static Real[,] Symmetric(double[,] d2, Kind kind, Real alpha, Real rho, Real period, double jitter)
    {
        var n = d2.GetLength(0);
        var k = new Real[n, n];
        var a = alpha.Value;
        var r = rho.Value;
        var p = period.Value;
        var bad = !(a > 0) || !(r > 0) || (kind == Kind.Periodic && !(p > 0));
        var a2 = a * a;
        // The diagonal (d = 0) is α² for every kernel: ∂/∂α = 2α, no dependence on ρ or p.
        var diag = bad ? Real.Unary(double.NaN, alpha, double.NaN) : Real.Unary(a2, alpha, 2 * a);
        for (var i = 0; i < n; i++)
        {
            k[i, i] = jitter == 0 ? diag : diag + jitter;
            for (var j = 0; j < i; j++)
            {
                var e = bad ? Real.Unary(double.NaN, alpha, double.NaN) : Entry(kind, d2[i, j], a, a2, alpha, r, rho, p, period);
                k[i, j] = e;
                k[j, i] = e;
            }
        }
        return k;
    }

    private static Real Entry(Kind kind, double d2, double a, double a2, Real alpha, double r, Real rho, double p, Real period)
    {
        switch (kind)
        {
            case Kind.ExpQuad:
            {
                var v = a2 * Math.Exp(-0.5 * d2 / (r * r));
                return Real.Binary(v, alpha, 2 * v / a, rho, v * d2 / (r * r * r));
            }
            case Kind.Matern32:
            {
                var s = Math.Sqrt(3 * d2) / r;
                var e = a2 * Math.Exp(-s);
                return Real.Binary(e * (1 + s), alpha, 2 * e * (1 + s) / a, rho, e * s * s / r);
            }
            case Kind.Matern52:
            {
                var s = Math.Sqrt(5 * d2) / r;
                var e = a2 * Math.Exp(-s);
                var v = e * (1 + s + s * s / 3);
                return Real.Binary(v, alpha, 2 * v / a, rho, e * s * s * (1 + s) / (3 * r));
            }
            default:
            {
                var d = Math.Sqrt(d2);
                var arg = Math.PI * d / p;
                var u = Math.Sin(arg);
                var v = a2 * Math.Exp(-2 * u * u / (r * r));
                return Real.Ternary(v, alpha, 2 * v / a, rho, 4 * v * u * u / (r * r * r), period, 4 * v * u * Math.Cos(arg) * arg / (r * r * p));
            }
        }
    }
}
