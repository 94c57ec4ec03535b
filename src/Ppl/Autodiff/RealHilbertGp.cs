namespace Ppl.Autodiff;

/// <summary>
/// The Hilbert-space approximate Gaussian process on a line (Solin and Särkkä 2020; Riutort-Mayol et al. 2023, as Stan's
/// and brms's <c>gp(..., k = m, c = ...)</c> and numpyro's <c>hsgp</c>): on [−L, L] a stationary kernel is approximated by
/// k(x, x′) ≈ Σⱼ S(√λⱼ) φⱼ(x) φⱼ(x′), j = 1 … m, with the Laplacian's Dirichlet eigenvalues λⱼ = (jπ/(2L))² and
/// eigenfunctions φⱼ(x) = L^(−1/2) sin(√λⱼ (x + L)), and S the kernel's spectral density. A model draws m standard
/// normal weights zⱼ and writes f(x) = Σⱼ φⱼ(x) √S(√λⱼ) zⱼ: the basis is data (computed once), and only the m scales
/// <c>√S(√λⱼ)</c> depend on the magnitude α and length-scale ρ, each here one tape node with analytic partials. Choose
/// L = c·max|x| with c around 1.5 and m large enough for ρ (the approximation degrades near ±L and for ρ small
/// against L/m). Spectral densities are of one-dimensional inputs, with the kernels of <see cref="RealCovariance"/>:
/// exponentiated quadratic S(ω) = α² √(2π) ρ e^(−ρ²ω²/2), Matérn 3/2 S(ω) = α² 12√3 ρ⁻³ (3/ρ² + ω²)⁻², Matérn 5/2
/// S(ω) = α² (400√5/3) ρ⁻⁵ (5/ρ² + ω²)⁻³ (the Fourier transform ∫ k(τ) e^(−iωτ) dτ). A non-positive α or ρ gives NaN.
/// Each function over <see cref="Real"/> has a double overload, so a <c>[Model]</c> can call it on its values.
/// </summary>
public static partial class RealHilbertGp
{
    private const double Sqrt2Pi = 2.5066282746310002;
    private static readonly double LogMatern32 = Math.Log(12 * Math.Sqrt(3));
    private static readonly double LogMatern52 = Math.Log(400 * Math.Sqrt(5) / 3);

    private enum Kind { ExpQuad, Matern32, Matern52 }

    /// <summary>λⱼ = (jπ/(2L))², the j-th eigenvalue of the Laplacian on [−L, L] with Dirichlet boundaries (j ≥ 1).</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    public static double Eigenvalue(int j, double boundary)
    {
        Check(j, boundary);
        var s = j * Math.PI / (2 * boundary);
        return s * s;
    }

    /// <summary>φⱼ(x) = L^(−1/2) sin(√λⱼ (x + L)), the j-th eigenfunction (orthonormal on [−L, L]).</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="x">The input.</param>
    public static double Eigenfunction(int j, double boundary, double x)
    {
        Check(j, boundary);
        return Math.Sin(j * Math.PI / (2 * boundary) * (x + boundary)) / Math.Sqrt(boundary);
    }

    /// <summary>The basis Φ with Φ[i, j − 1] = φⱼ(xᵢ), for the inputs <paramref name="x"/> and j = 1 … <paramref name="m"/>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="m">The number of basis functions.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    public static double[,] Basis(ReadOnlySpan<double> x, int m, double boundary)
    {
        Check(m, boundary);
        var phi = new double[x.Length, m];
        var scale = 1 / Math.Sqrt(boundary);
        for (var i = 0; i < x.Length; i++)
            for (var j = 1; j <= m; j++) phi[i, j - 1] = scale * Math.Sin(j * Math.PI / (2 * boundary) * (x[i] + boundary));
        return phi;
    }

    /// <summary>The exponentiated-quadratic spectral density S(ω) = α² √(2π) ρ e^(−ρ²ω²/2).</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real ExpQuadSpectralDensity(double omega, Real alpha, Real rho) => Density(Kind.ExpQuad, omega, alpha, rho, 1);

    /// <summary>The exponentiated-quadratic spectral density at doubles.</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double ExpQuadSpectralDensity(double omega, double alpha, double rho) => Value(Kind.ExpQuad, omega, alpha, rho, 1);

    /// <summary>The Matérn 3/2 spectral density S(ω) = α² 12√3 ρ⁻³ (3/ρ² + ω²)⁻².</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern32SpectralDensity(double omega, Real alpha, Real rho) => Density(Kind.Matern32, omega, alpha, rho, 1);

    /// <summary>The Matérn 3/2 spectral density at doubles.</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern32SpectralDensity(double omega, double alpha, double rho) => Value(Kind.Matern32, omega, alpha, rho, 1);

    /// <summary>The Matérn 5/2 spectral density S(ω) = α² (400√5/3) ρ⁻⁵ (5/ρ² + ω²)⁻³.</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern52SpectralDensity(double omega, Real alpha, Real rho) => Density(Kind.Matern52, omega, alpha, rho, 1);

    /// <summary>The Matérn 5/2 spectral density at doubles.</summary>
    /// <param name="omega">The frequency ω.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern52SpectralDensity(double omega, double alpha, double rho) => Value(Kind.Matern52, omega, alpha, rho, 1);

    /// <summary>√S(√λⱼ) for the exponentiated quadratic: the scale of the j-th basis weight.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real ExpQuadScale(int j, double boundary, Real alpha, Real rho) => Density(Kind.ExpQuad, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>√S(√λⱼ) for the exponentiated quadratic at doubles.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double ExpQuadScale(int j, double boundary, double alpha, double rho) => Value(Kind.ExpQuad, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>√S(√λⱼ) for Matérn 3/2.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern32Scale(int j, double boundary, Real alpha, Real rho) => Density(Kind.Matern32, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>√S(√λⱼ) for Matérn 3/2 at doubles.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern32Scale(int j, double boundary, double alpha, double rho) => Value(Kind.Matern32, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>√S(√λⱼ) for Matérn 5/2.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real Matern52Scale(int j, double boundary, Real alpha, Real rho) => Density(Kind.Matern52, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>√S(√λⱼ) for Matérn 5/2 at doubles.</summary>
    /// <param name="j">The index, from 1.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static double Matern52Scale(int j, double boundary, double alpha, double rho) => Value(Kind.Matern52, Frequency(j, boundary), alpha, rho, 0.5);

    /// <summary>The m scales √S(√λⱼ), j = 1 … m, of the exponentiated quadratic (the diagonal of the weights' prior standard deviations).</summary>
    /// <param name="m">The number of basis functions.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real[] ExpQuadScales(int m, double boundary, Real alpha, Real rho) => Scales(Kind.ExpQuad, m, boundary, alpha, rho);

    /// <summary>The m scales √S(√λⱼ) of Matérn 3/2.</summary>
    /// <param name="m">The number of basis functions.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real[] Matern32Scales(int m, double boundary, Real alpha, Real rho) => Scales(Kind.Matern32, m, boundary, alpha, rho);

    /// <summary>The m scales √S(√λⱼ) of Matérn 5/2.</summary>
    /// <param name="m">The number of basis functions.</param>
    /// <param name="boundary">The half-width L of the domain.</param>
    /// <param name="alpha">The marginal standard deviation α.</param>
    /// <param name="rho">The length-scale ρ.</param>
    public static Real[] Matern52Scales(int m, double boundary, Real alpha, Real rho) => Scales(Kind.Matern52, m, boundary, alpha, rho);

    private static Real[] Scales(Kind kind, int m, double boundary, Real alpha, Real rho)
    {
        Check(m, boundary);
        var s = new Real[m];
        for (var j = 1; j <= m; j++) s[j - 1] = Density(kind, Frequency(j, boundary), alpha, rho, 0.5);
        return s;
    }

    private static double Frequency(int j, double boundary)
    {
        Check(j, boundary);
        return j * Math.PI / (2 * boundary);
    }

    private static void Check(int j, double boundary)
    {
        if (j < 1) throw new ArgumentOutOfRangeException(nameof(j), j, "the index (or number) of basis functions must be at least 1");
        if (!(boundary > 0) || !double.IsFinite(boundary)) throw new ArgumentOutOfRangeException(nameof(boundary), boundary, "the boundary L must be positive and finite");
    }

    /// <summary>log S(ω) and its derivatives towards α and ρ; NaN for a non-positive or non-finite α or ρ.</summary>
    private static (double Log, double DAlpha, double DRho) LogDensity(Kind kind, double omega, double a, double r)
    {
        if (!(a > 0) || !(r > 0) || !double.IsFinite(a) || !double.IsFinite(r)) return (double.NaN, double.NaN, double.NaN);
        var logA2 = 2 * Math.Log(a);
        var w2 = omega * omega;
        switch (kind)
        {
            case Kind.ExpQuad:
                return (logA2 + Math.Log(Sqrt2Pi * r) - 0.5 * r * r * w2, 2 / a, 1 / r - r * w2);
            case Kind.Matern32:
                {
                    var q = 3 / (r * r) + w2;
                    return (logA2 + LogMatern32 - 3 * Math.Log(r) - 2 * Math.Log(q), 2 / a, -3 / r + 12 / (r * r * r * q));
                }
            default:
                {
                    var q = 5 / (r * r) + w2;
                    return (logA2 + LogMatern52 - 5 * Math.Log(r) - 3 * Math.Log(q), 2 / a, -5 / r + 30 / (r * r * r * q));
                }
        }
    }

    /// <summary>S(ω)^power as one node over (α, ρ).</summary>
    private static Real Density(Kind kind, double omega, Real alpha, Real rho, double power)
    {
        var (log, da, dr) = LogDensity(kind, omega, alpha.Value, rho.Value);
        var v = Math.Exp(power * log);
        ReadOnlySpan<Real> parents = [alpha, rho];
        ReadOnlySpan<double> partials = [power * v * da, power * v * dr];
        return Real.FromPartials(v, parents, partials);
    }

    private static double Value(Kind kind, double omega, double alpha, double rho, double power) =>
        Math.Exp(power * LogDensity(kind, omega, alpha, rho).Log);
}
