using MathNet.Numerics;

namespace Ppl.Autodiff;

// The Hilbert-space approximate GP on a box [−L₁, L₁] × … × [−L_D, L_D] (Riutort-Mayol et al. 2023, §3.2; Stan's and
// brms's gp(x1, x2, k = c(m1, m2))): the Laplacian's eigenfunctions there are products of the one-dimensional ones,
// φⱼ(x) = Πd φ_{jd}(x_d) with eigenvalue λⱼ = Σd λ_{jd}, over every multi-index j ∈ {1 … m₁} × … × {1 … m_D}; a
// stationary kernel is approximated by Σⱼ S(√λⱼ) φⱼ(x) φⱼ(x′) with its D-dimensional spectral density S, which depends on
// the frequency only through ‖ω‖² = λⱼ when the kernel is isotropic, and factorises over the dimensions for the
// exponentiated quadratic with a length-scale per dimension (ARD).
public static partial class RealHilbertGp
{
    /// <summary>
    /// Every multi-index j ∈ {1 … m₁} × … × {1 … m_D}, the last dimension fastest: the columns of
    /// <see cref="Basis(double[][], int[], double[])"/> and the order of the <c>…Scales</c> functions.
    /// </summary>
    /// <param name="m">The number of basis functions in each dimension.</param>
    public static int[][] Indices(int[] m)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.Length == 0) throw new ArgumentException("the number of basis functions needs at least one dimension", nameof(m));
        long total = 1;
        for (var d = 0; d < m.Length; d++)
        {
            if (m[d] < 1) throw new ArgumentOutOfRangeException(nameof(m), m[d], $"m[{d}]: the number of basis functions must be at least 1");
            total *= m[d];
            if (total > 1 << 24) throw new ArgumentOutOfRangeException(nameof(m), total, "the basis would have more than 2^24 functions");
        }
        var indices = new int[total][];
        var j = Enumerable.Repeat(1, m.Length).ToArray();
        for (var k = 0; k < total; k++)
        {
            indices[k] = (int[])j.Clone();
            for (var d = m.Length - 1; d >= 0; d--)
            {
                if (++j[d] <= m[d]) break;
                j[d] = 1;
            }
        }
        return indices;
    }

    /// <summary>λⱼ = Σd (j_d π/(2L_d))², the eigenvalue of multi-index <paramref name="j"/> on the box.</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    public static double Eigenvalue(int[] j, double[] boundary)
    {
        CheckIndex(j, boundary);
        double sum = 0;
        for (var d = 0; d < j.Length; d++) sum += Eigenvalue(j[d], boundary[d]);
        return sum;
    }

    /// <summary>φⱼ(x) = Πd φ_{jd}(x_d), the eigenfunction of multi-index <paramref name="j"/> (orthonormal on the box).</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="x">The input, one coordinate per dimension.</param>
    public static double Eigenfunction(int[] j, double[] boundary, double[] x)
    {
        CheckIndex(j, boundary);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Length != j.Length) throw new ArgumentException($"the input has {x.Length} coordinates; the box has {j.Length} dimensions", nameof(x));
        var v = 1.0;
        for (var d = 0; d < j.Length; d++) v *= Eigenfunction(j[d], boundary[d], x[d]);
        return v;
    }

    /// <summary>
    /// The basis row by row: row i holds φⱼ(xᵢ) for every multi-index of <see cref="Indices"/>, so that a <c>[Model]</c>
    /// writes f(xᵢ) = <c>RealMath.Dot(basis[i], weights)</c>.
    /// </summary>
    /// <param name="x">The inputs, one array of D coordinates each.</param>
    /// <param name="m">The number of basis functions in each dimension.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    public static double[][] Basis(double[][] x, int[] m, double[] boundary)
    {
        ArgumentNullException.ThrowIfNull(x);
        var indices = Indices(m);
        CheckBoundary(boundary, m.Length);
        var rows = new double[x.Length][];
        // The one-dimensional factors of each input once, then their products.
        var factors = new double[m.Length][];
        for (var d = 0; d < m.Length; d++) factors[d] = new double[m[d]];
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] is null || x[i].Length != m.Length)
                throw new ArgumentException($"input {i} has {x[i]?.Length ?? 0} coordinates; the box has {m.Length} dimensions", nameof(x));
            for (var d = 0; d < m.Length; d++)
                for (var jd = 1; jd <= m[d]; jd++) factors[d][jd - 1] = Eigenfunction(jd, boundary[d], x[i][d]);
            var row = rows[i] = new double[indices.Length];
            for (var k = 0; k < indices.Length; k++)
            {
                var v = 1.0;
                for (var d = 0; d < m.Length; d++) v *= factors[d][indices[k][d] - 1];
                row[k] = v;
            }
        }
        return rows;
    }

    /// <summary>√S(√λⱼ) for the isotropic exponentiated quadratic in D dimensions, S(ω) = α² (√(2π) ρ)^D e^(−ρ²‖ω‖²/2).</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real ExpQuadScale(int[] j, double[] boundary, Real alpha, Real rho) => IsotropicScale(Kind.ExpQuad, j, boundary, alpha, rho);

    /// <summary>√S(√λⱼ) for the isotropic exponentiated quadratic in D dimensions, at doubles.</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double ExpQuadScale(int[] j, double[] boundary, double alpha, double rho) => IsotropicScale(Kind.ExpQuad, j, boundary, alpha, rho).Value;

    /// <summary>
    /// √S(ωⱼ) for the exponentiated quadratic with a length-scale per dimension (ARD),
    /// S(ω) = α² Πd √(2π) ρ_d e^(−ρ_d² ω_d²/2), with ω_d² = λ_{jd}.
    /// </summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scales ρ_d, one per dimension.</param>
    public static Real ExpQuadScale(int[] j, double[] boundary, Real alpha, Real[] rho)
    {
        ArgumentNullException.ThrowIfNull(rho);
        Span<double> values = rho.Length <= 64 ? stackalloc double[rho.Length] : new double[rho.Length];
        for (var d = 0; d < rho.Length; d++) values[d] = rho[d].Value;
        Span<double> dRho = rho.Length <= 64 ? stackalloc double[rho.Length] : new double[rho.Length];
        var v = ArdScale(j, boundary, alpha.Value, values, dRho);
        if (double.IsNaN(v)) return double.NaN;
        var chain = new PartialsChain();
        chain.Add(alpha, v / alpha.Value);
        for (var d = 0; d < rho.Length; d++) chain.Add(rho[d], 0.5 * v * dRho[d]);
        return chain.Finish(v);
    }

    /// <summary>√S(ωⱼ) for the exponentiated quadratic with a length-scale per dimension, at doubles.</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scales ρ_d, one per dimension.</param>
    public static double ExpQuadScale(int[] j, double[] boundary, double alpha, double[] rho)
    {
        ArgumentNullException.ThrowIfNull(rho);
        Span<double> dRho = rho.Length <= 64 ? stackalloc double[rho.Length] : new double[rho.Length];
        return ArdScale(j, boundary, alpha, rho, dRho);
    }

    /// <summary>
    /// The ARD scale S^½ with log S = 2 log α + Σd [log(√(2π) ρ_d) − ρ_d² ω_d²/2], and ∂ log S/∂ρ_d = 1/ρ_d − ρ_d ω_d² in
    /// <paramref name="dLogRho"/>; NaN outside the domain.
    /// </summary>
    private static double ArdScale(int[] j, double[] boundary, double a, ReadOnlySpan<double> rho, Span<double> dLogRho)
    {
        CheckIndex(j, boundary);
        if (rho.Length != j.Length) throw new ArgumentException($"{rho.Length} length-scales for a box of {j.Length} dimensions", nameof(rho));
        var valid = a > 0 && double.IsFinite(a);
        var log = 2 * Math.Log(a);
        for (var d = 0; d < j.Length; d++)
        {
            var r = rho[d];
            valid &= r > 0 && double.IsFinite(r);
            var w2 = Eigenvalue(j[d], boundary[d]);
            log += Math.Log(Sqrt2Pi * r) - 0.5 * r * r * w2;
            dLogRho[d] = 1 / r - r * w2;
        }
        return valid ? Math.Exp(0.5 * log) : double.NaN;
    }

    /// <summary>
    /// √S(√λⱼ) for the isotropic Matérn 3/2 kernel in D dimensions,
    /// S(ω) = α² 2^D π^(D/2) Γ(ν + D/2) (2ν)^ν / Γ(ν) · ρ^(−2ν) (2ν/ρ² + ‖ω‖²)^(−(ν + D/2)) with ν = 3/2.
    /// </summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern32Scale(int[] j, double[] boundary, Real alpha, Real rho) => IsotropicScale(Kind.Matern32, j, boundary, alpha, rho);

    /// <summary>√S(√λⱼ) for the isotropic Matérn 3/2 kernel in D dimensions, at doubles.</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern32Scale(int[] j, double[] boundary, double alpha, double rho) => IsotropicScale(Kind.Matern32, j, boundary, alpha, rho).Value;

    /// <summary>√S(√λⱼ) for the isotropic Matérn 5/2 kernel in D dimensions (the density of <see cref="Matern32Scale(int[], double[], Real, Real)"/> with ν = 5/2).</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern52Scale(int[] j, double[] boundary, Real alpha, Real rho) => IsotropicScale(Kind.Matern52, j, boundary, alpha, rho);

    /// <summary>√S(√λⱼ) for the isotropic Matérn 5/2 kernel in D dimensions, at doubles.</summary>
    /// <param name="j">The multi-index, each entry from 1.</param>
    /// <param name="boundary">The half-widths L_d of the box.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern52Scale(int[] j, double[] boundary, double alpha, double rho) => IsotropicScale(Kind.Matern52, j, boundary, alpha, rho).Value;

    /// <summary>S(√λⱼ)^½ of an isotropic kernel in D = j.Length dimensions, one node over (α, ρ).</summary>
    private static Real IsotropicScale(Kind kind, int[] j, double[] boundary, Real alpha, Real rho)
    {
        var w2 = Eigenvalue(j, boundary);
        var (log, da, dr) = IsotropicLogDensity(kind, j.Length, w2, alpha.Value, rho.Value);
        var v = Math.Exp(0.5 * log);
        return Real.Binary(v, alpha, 0.5 * v * da, rho, 0.5 * v * dr);
    }

    /// <summary>log S at ‖ω‖² = <paramref name="w2"/> in <paramref name="dims"/> dimensions, and its derivatives towards α and ρ; NaN outside the domain.</summary>
    private static (double Log, double DAlpha, double DRho) IsotropicLogDensity(Kind kind, int dims, double w2, double a, double r)
    {
        if (!(a > 0) || !(r > 0) || !double.IsFinite(a) || !double.IsFinite(r)) return (double.NaN, double.NaN, double.NaN);
        var logA2 = 2 * Math.Log(a);
        if (kind == Kind.ExpQuad)
            return (logA2 + dims * Math.Log(Sqrt2Pi * r) - 0.5 * r * r * w2, 2 / a, dims / r - r * w2);
        var nu = kind == Kind.Matern32 ? 1.5 : 2.5;
        var power = nu + 0.5 * dims;
        var logConstant = dims * Math.Log(2) + 0.5 * dims * Math.Log(Math.PI) + SpecialFunctions.GammaLn(power) + nu * Math.Log(2 * nu) - SpecialFunctions.GammaLn(nu);
        var q = 2 * nu / (r * r) + w2;
        return (logA2 + logConstant - 2 * nu * Math.Log(r) - power * Math.Log(q), 2 / a, -2 * nu / r + power * 4 * nu / (r * r * r * q));
    }

    private static void CheckIndex(int[] j, double[] boundary)
    {
        ArgumentNullException.ThrowIfNull(j);
        if (j.Length == 0) throw new ArgumentException("the multi-index needs at least one dimension", nameof(j));
        CheckBoundary(boundary, j.Length);
        for (var d = 0; d < j.Length; d++)
            if (j[d] < 1) throw new ArgumentOutOfRangeException(nameof(j), j[d], $"j[{d}]: the index of a basis function must be at least 1");
    }

    private static void CheckBoundary(double[] boundary, int dims)
    {
        ArgumentNullException.ThrowIfNull(boundary);
        if (boundary.Length != dims) throw new ArgumentException($"{boundary.Length} boundaries for a box of {dims} dimensions", nameof(boundary));
        for (var d = 0; d < dims; d++)
            if (!(boundary[d] > 0) || !double.IsFinite(boundary[d]))
                throw new ArgumentOutOfRangeException(nameof(boundary), boundary[d], $"boundary[{d}]: the half-width L must be positive and finite");
    }
}
