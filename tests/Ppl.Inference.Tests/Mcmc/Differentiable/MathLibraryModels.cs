using Ppl.Autodiff;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>[Model] methods written with the math library's families and functions, whose differentiable forms the tests check.</summary>
public static partial class MathLibraryModels
{
    #pragma warning disable PPL0011 // HalfStudentT and Truncated on purpose (their differentiable forms are what it tests); they have no tensor counterpart, so no batched form
    /// <summary>
    /// A half-Student-t scale and a truncated normal whose scale depends on it (so the truncation's normaliser depends on
    /// τ): τ ~ HalfStudentT(3, 1), μ ~ N(1, ½ + τ) truncated to [0, 5], yᵢ ~ N(μ, 1). (The ½ keeps the posterior free
    /// of a funnel at τ → 0, where NUTS itself would be biased.)
    /// </summary>
    [Model]
    public static double TruncatedHierarchy(double[] ys)
    {
        var tau = Sample(HalfStudentT(3, 1));
        var mu = Sample(Truncated(Normal(1, 0.5 + tau), 0, 5));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu, 1), ys[i], "y", i);
        return mu;
    }
    #pragma warning restore PPL0011

    #pragma warning disable PPL0011 // every new family on purpose (their differentiable forms are what it tests); they have no tensor counterpart, so no batched form
    /// <summary>
    /// Every new family with parameters that depend on other choices (improper priors included), one-sided truncations
    /// with a random and a constant base, and the math functions called on random values.
    /// </summary>
    [Model]
    public static double NewFamilies(double[] data)
    {
        var a = Sample(Flat());
        var s = Sample(HalfFlat());
        var h = Sample(HalfStudentT(3, 1 + 0.1 * s));
        var k = Sample(SkewNormal(a, 1 + h, 2));
        var angle = Sample(VonMises(a, 1 + s));
        var t = Sample(Truncated(Normal(a, 1 + h), -1, 3));
        var g = Sample(Truncated(Gamma(2, 1 + s), upper: 4));
        var e = Sample(Truncated(Exponential(1.5), lower: 0.5));
        var st = Sample(Truncated(StudentT(4, a, 1 + h), lower: a - 1));
        var mix = RealMath.LogMix(0.3, -0.5 * k * k, -0.5 * (k - 2) * (k - 2));
        var m = k + t + Math.Cos(angle) + RealMath.Log1pExp(g) - e + 0.1 * st;
        for (var i = 0; i < data.Length; i++) Observe(Normal(m + i * 0.1, 1 + 0.1 * s), data[i], "y", i);
        Factor(mix + RealMath.LogDiffExp(0, -s) - 0.5 * a * a - s);
        return m;
    }
    #pragma warning restore PPL0011

    #pragma warning disable PPL0011 // Wishart on purpose (its differentiable form is what it tests); it has no tensor counterpart, so no batched form
    /// <summary>
    /// Wishart matrices: random degrees of freedom over a data scale, a random scale (a Wishart precision-like matrix used
    /// as the covariance of normal rows), and an observed matrix with random ν and scale.
    /// </summary>
    [Model]
    public static double Wisharts(double[][] ys, double[,] scale)
    {
        var nu = 2 + Sample(Gamma(2, 1), "nu");
        var w = Sample(Wishart(nu, scale), "W");
        var a = Sample(HalfNormal(1), "a");
        var s = new double[2, 2];
        s[0, 0] = 1 + a;
        s[1, 1] = 1 + a * a;
        s[0, 1] = 0.3 * a;
        s[1, 0] = 0.3 * a;
        var t = Sample(Wishart(4, s), "T");
        for (var i = 0; i < ys.Length; i++) Observe(MvNormal(new[] { 0.0, 0.0 }, t), ys[i], "y", i);
        Observe(Wishart(nu, s), new double[,] { { 1.0, 0.2 }, { 0.2, 0.7 } }, "V");
        return w[0, 1] + t[1, 1];
    }

    /// <summary>A Wishart prior alone (its mean is νS).</summary>
    [Model]
    public static double WishartPrior(double nu, double[,] scale)
    {
        var w = Sample(Wishart(nu, scale), "W");
        return w[0, 0];
    }
    #pragma warning restore PPL0011

    #pragma warning disable PPL0011 // the Cholesky forms of the Wishart families on purpose (their differentiable forms are what it tests); they have no tensor counterpart, so no batched form
    /// <summary>
    /// Cholesky factors of Wishart and inverse-Wishart matrices: random degrees of freedom over a data scale factor, a
    /// random scale factor (built from a half-normal choice) whose inverse-Wishart factor is the covariance factor of
    /// normal rows, and observed factors with random ν and scale factor.
    /// </summary>
    [Model]
    public static double WishartCholeskys(double[][] ys, double[,] scaleCholesky)
    {
        var nu = 2 + Sample(Gamma(2, 1), "nu");
        var l = Sample(WishartCholesky(nu, scaleCholesky), "L");
        var a = Sample(HalfNormal(1), "a");
        var s = new double[2, 2];
        s[0, 0] = 1 + a;
        s[1, 0] = 0.3 * a;
        s[1, 1] = 1 + a * a;
        var k = Sample(InverseWishartCholesky(4, s), "K");
        for (var i = 0; i < ys.Length; i++) Observe(MvNormalCholesky(new[] { 0.0, 0.0 }, k), ys[i], "y", i);
        Observe(WishartCholesky(nu, s), new double[,] { { 1.0, 0.0 }, { 0.2, 0.7 } }, "V");
        Observe(InverseWishartCholesky(nu + 1, s), new double[,] { { 0.8, 0.0 }, { -0.3, 0.5 } }, "U");
        return l[1, 0] + k[1, 1];
    }

    /// <summary>A Wishart-Cholesky prior alone (the mean of LLᵀ is νS).</summary>
    [Model]
    public static double WishartCholeskyPrior(double nu, double[,] scaleCholesky)
    {
        var l = Sample(WishartCholesky(nu, scaleCholesky), "L");
        return l[0, 0];
    }

    /// <summary>An inverse-Wishart-Cholesky prior alone (the mean of LLᵀ is Ψ/(ν − n − 1)).</summary>
    [Model]
    public static double InverseWishartCholeskyPrior(double nu, double[,] scaleCholesky)
    {
        var l = Sample(InverseWishartCholesky(nu, scaleCholesky), "L");
        return l[0, 0];
    }
    #pragma warning restore PPL0011

    #pragma warning disable PPL0011 // unit vectors on purpose (their differentiable forms are what it tests); they have no tensor counterpart, so no batched form
    /// <summary>
    /// Unit vectors: a uniform direction, a von Mises–Fisher direction around it with a random concentration, and an
    /// observed direction around that.
    /// </summary>
    [Model]
    public static double UnitVectors(double[] observed, double kappa)
    {
        var m = Sample(Normal(0, 1), "m");
        var x = Sample(UnitVector(3), "x");
        var z = Sample(VonMisesFisher(x, kappa + m * m), "z");
        Observe(VonMisesFisher(z, 2.0), observed, "obs");
        return x[0];
    }

    /// <summary>A uniform unit vector with a von Mises–Fisher factor κ μᵀx (so E[x] = (coth κ − 1/κ) μ on S²).</summary>
    [Model]
    public static double UnitVectorWithFactor(double[] mu, double kappa)
    {
        var x = Sample(UnitVector(3), "x");
        Factor(kappa * (mu[0] * x[0] + mu[1] * x[1] + mu[2] * x[2]));
        return x[0];
    }

    /// <summary>A von Mises–Fisher prior alone.</summary>
    [Model]
    public static double VonMisesFisherPrior(double[] mu, double kappa)
    {
        var x = Sample(VonMisesFisher(mu, kappa), "x");
        return x[0];
    }
    #pragma warning restore PPL0011

    #pragma warning disable PPL0011 // the basis scales are Real functions (their differentiable form is what it tests), which the batched form does not take
    /// <summary>
    /// A Hilbert-space approximate GP regression: f(x) = Σⱼ φⱼ(x) √S(√λⱼ) zⱼ with m standard normal weights, the
    /// exponentiated-quadratic (<paramref name="kernel"/> 0), Matérn 3/2 (1) or Matérn 5/2 (2) spectral density, a random
    /// magnitude and length-scale, and normal observations.
    /// </summary>
    [Model]
    public static double ApproximateGp(double[] xs, double[] ys, int m, double boundary, int kernel)
    {
        var alpha = Sample(HalfNormal(1), "alpha");
        var rho = Sample(LogNormal(-1, 0.5), "rho");
        var f = new double[xs.Length];
        for (var j = 1; j <= m; j++)
        {
            var z = Sample(Normal(0, 1), "z", j);
            var scale = kernel == 0 ? RealHilbertGp.ExpQuadScale(j, boundary, alpha, rho)
                : kernel == 1 ? RealHilbertGp.Matern32Scale(j, boundary, alpha, rho)
                : RealHilbertGp.Matern52Scale(j, boundary, alpha, rho);
            for (var i = 0; i < xs.Length; i++) f[i] = f[i] + RealHilbertGp.Eigenfunction(j, boundary, xs[i]) * scale * z;
        }
        for (var i = 0; i < xs.Length; i++) Observe(Normal(f[i], 0.3), ys[i], "y", i);
        return alpha;
    }

    /// <summary>
    /// A Hilbert-space approximate GP on the plane: the basis of <see cref="RealHilbertGp.Basis(double[][], int[], double[])"/>
    /// as data row by row, a weight per multi-index scaled by the exponentiated quadratic with a length-scale per
    /// dimension (<paramref name="kernel"/> 0) or the isotropic Matérn 3/2 (1), and normal observations of f(xᵢ) = φ(xᵢ)·w.
    /// </summary>
    [Model]
    public static double ApproximateGpPlane(double[][] basis, int[][] indices, double[] boundary, double[] ys, int kernel)
    {
        var alpha = Sample(HalfNormal(1), "alpha");
        var rho = new double[2];
        for (var d = 0; d < 2; d++) rho[d] = Sample(LogNormal(-1, 0.5), "rho", d);
        var w = new double[indices.Length];
        for (var k = 0; k < indices.Length; k++)
        {
            var z = Sample(Normal(0, 1), "z", k);
            var scale = kernel == 0 ? RealHilbertGp.ExpQuadScale(indices[k], boundary, alpha, rho) : RealHilbertGp.Matern32Scale(indices[k], boundary, alpha, rho[0]);
            w[k] = scale * z;
        }
        for (var i = 0; i < ys.Length; i++) Observe(Normal(RealMath.Dot(basis[i], w), 0.3), ys[i], "y", i);
        return alpha;
    }

    /// <summary>
    /// An approximate Matérn 5/2 GP with a random magnitude α and a fixed length-scale (non-centred: f = Σⱼ φⱼ √S(√λⱼ) zⱼ,
    /// √S proportional to α), observed with normal noise: given α the weights are Gaussian, so the posterior reduces to
    /// one dimension.
    /// </summary>
    [Model]
    public static double ApproximateGpMagnitude(double[] xs, double[] ys, int m, double boundary, double rho)
    {
        var alpha = Sample(HalfNormal(1), "alpha");
        var f = new double[xs.Length];
        for (var j = 1; j <= m; j++)
        {
            var z = Sample(Normal(0, 1), "z", j);
            var scale = RealHilbertGp.Matern52Scale(j, boundary, alpha, rho);
            for (var i = 0; i < xs.Length; i++) f[i] = f[i] + RealHilbertGp.Eigenfunction(j, boundary, xs[i]) * scale * z;
        }
        for (var i = 0; i < xs.Length; i++) Observe(Normal(f[i], 0.3), ys[i], "y", i);
        return alpha;
    }
    #pragma warning restore PPL0011
}
