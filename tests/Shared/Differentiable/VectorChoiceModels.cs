using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>[Model] methods with vector- and matrix-valued continuous choices: simplices, multivariate normals, ordered vectors, correlation Cholesky factors.</summary>
public static partial class VectorChoiceModels
{
    // Vector choices have no batched (tensor) form; these models test the differentiable form.
#pragma warning disable PPL0011
    /// <summary>A simplex with data concentrations, observed through categorical draws (conjugate: the posterior is Dirichlet(α + counts)).</summary>
    [Model]
    public static double DirichletCategorical(double[] alpha, int[] ys)
    {
        var p = Sample(Dirichlet(alpha), "p");
        for (var i = 0; i < ys.Length; i++) Observe(Categorical(p), ys[i], "y", i);
        return p[0];
    }

    /// <summary>Random concentrations (each a Gamma choice), a simplex drawn from them, multinomial counts, and an observed simplex.</summary>
    [Model]
    public static double DirichletRandom(int[] counts, double[] observedSimplex)
    {
        var alpha = new double[counts.Length];
        for (var k = 0; k < alpha.Length; k++) alpha[k] = Sample(Gamma(2, 1), "alpha", k);
        var p = Sample(Dirichlet(alpha), "p");
        var n = 0;
        foreach (var c in counts) n += c;
        Observe(Multinomial(n, p), counts, "counts");
        Observe(Dirichlet(alpha), observedSimplex, "q");
        return p[1] * alpha[0];
    }

    /// <summary>Multivariate normals: a random mean with a data covariance, a random covariance built from choices, a random factor, observations of each.</summary>
    [Model]
    public static double MvNormals(double[] y, double[,] covariance)
    {
        var mu = new double[2];
        for (var k = 0; k < 2; k++) mu[k] = Sample(Normal(0, 2), "mu", k);
        var x = Sample(MvNormal(mu, covariance), "x");
        var s = Sample(HalfNormal(1), "s");
        var rho = Sample(Uniform(-0.8, 0.8), "rho");
        var cov = new double[2, 2];
        cov[0, 0] = s * s;
        cov[1, 1] = s * s + 1.0;
        cov[0, 1] = rho * s;
        cov[1, 0] = rho * s;
        var z = Sample(MvNormal(new[] { 0.5, -0.5 }, cov), "z");
        var factor = new double[2, 2];
        factor[0, 0] = s;
        factor[1, 0] = rho;
        factor[1, 1] = 1.0;
        var w = Sample(MvNormalCholesky(x, factor), "w");
        Observe(MvNormal(z, covariance), y, "y1");
        Observe(MvNormalCholesky(w, factor), y, "y2");
        return x[0] + z[1];
    }

    /// <summary>An LKJ prior with a random shape on a correlation Cholesky factor, scaled into a covariance factor for a latent vector and an observation.</summary>
    [Model]
    public static double Lkj(double[] y)
    {
        var eta = Sample(Gamma(4, 2), "eta");
        var l = Sample(LkjCholesky(3, eta), "L");
        var f = new double[3, 3];
        for (var i = 0; i < 3; i++)
        {
            var tau = Sample(HalfNormal(1), "tau", i);
            for (var j = 0; j <= i; j++) f[i, j] = tau * l[i, j];
        }
        var mu = Sample(MvNormalCholesky(new[] { 0.0, 0.0, 0.0 }, f), "mu");
        Observe(MvNormalCholesky(mu, f), y, "y");
        Observe(LkjCholesky(3, eta), new double[,] { { 1, 0, 0 }, { 0.6, 0.8, 0 }, { 0, 0.6, 0.8 } }, "R");
        return l[1, 0];
    }

    /// <summary>Ordered vectors: over a normal with a random location, positive ordered over a gamma with a random rate; an observed ordered vector.</summary>
    [Model]
    public static double Ordereds(double y)
    {
        var m = Sample(Normal(0, 1), "m");
        var c = Sample(Ordered(Normal(m, 1.5), 3), "c");
        var rate = Sample(Gamma(2, 2), "rate");
        var d = Sample(Ordered(Gamma(2, rate), 2), "d");
        Observe(Normal(c[1] + d[0], 1), y, "y");
        Observe(Ordered(Normal(m, 1), 2), new[] { -0.3, 0.4 }, "o");
        return c[2];
    }

    /// <summary>The order statistics of three standard normals and of two standard exponentials (no observations).</summary>
    [Model]
    public static double OrderStatistics()
    {
        var c = Sample(Ordered(Normal(0, 1), 3), "c");
        var d = Sample(Ordered(Exponential(1), 2), "d");
        return c[0] + d[0];
    }

    /// <summary>A multivariate normal mean with a data prior, observed through rows (conjugate).</summary>
    [Model]
    public static double MvNormalMean(double[] m0, double[,] s0, double[][] ys, double[,] sigma)
    {
        var mu = Sample(MvNormal(m0, s0), "mu");
        for (var i = 0; i < ys.Length; i++) Observe(MvNormal(mu, sigma), ys[i], "y", i);
        return mu[0];
    }

    /// <summary>An LKJ-Cholesky prior alone (its correlations have known marginals).</summary>
    [Model]
    public static double LkjPrior(double eta)
    {
        var l = Sample(LkjCholesky(3, eta), "L");
        return l[1, 0];
    }

    /// <summary>A discrete component drawn with simplex weights, and one observation of its location (for Gibbs on z cycled with NUTS on p).</summary>
    [Model]
    public static double SimplexMixture(double[] alpha, double[] mus, double y)
    {
        var p = Sample(Dirichlet(alpha), "p");
        var z = Sample(Categorical(p), "z");
        Observe(Normal(mus[z], 1), y, "y");
        return p[0];
    }

    /// <summary>Inverse-Wishart covariances: random degrees of freedom over a data scale, a random scale, observations through MvNormal and of a matrix.</summary>
    [Model]
    public static double Covariances(double[][] ys, double[,] psi)
    {
        var nu = 2 + Sample(Gamma(2, 1), "nu");
        var s = Sample(InverseWishart(nu, psi), "S");
        for (var i = 0; i < ys.Length; i++) Observe(MvNormal(new[] { 0.0, 0.0 }, s), ys[i], "y", i);
        var a = Sample(HalfNormal(1), "a");
        var scale = new double[2, 2];
        scale[0, 0] = 1 + a;
        scale[1, 1] = 1 + a * a;
        scale[0, 1] = 0.3 * a;
        scale[1, 0] = 0.3 * a;
        var t = Sample(InverseWishart(4, scale), "T");
        Observe(InverseWishart(nu, scale), new double[,] { { 1.0, 0.2 }, { 0.2, 0.7 } }, "W");
        return s[0, 1] + t[1, 1];
    }

    /// <summary>A covariance with an inverse-Wishart prior and zero-mean normal rows (conjugate).</summary>
    [Model]
    public static double CovarianceConjugate(double nu, double[,] psi, double[][] ys)
    {
        var s = Sample(InverseWishart(nu, psi), "S");
        for (var i = 0; i < ys.Length; i++) Observe(MvNormal(new[] { 0.0, 0.0 }, s), ys[i], "y", i);
        return s[0, 0];
    }
#pragma warning restore PPL0011
}
