using Ppl.Autodiff;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Ppl.Tests.Shared;
using Xunit;
using MN = MathNet.Numerics.Distributions;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.MathLibraryModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// [Model] methods written with the math library: their differentiable forms against Assess plus the log-Jacobian and
/// finite differences, and NUTS on a truncated-normal / half-Student-t hierarchy against its posterior by quadrature.
/// </summary>
public class MathLibraryFormTests
{
    private static readonly double[] Ys = [2.1, 1.4, 3.0];

    private static void CheckAgainstAssess<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ulong seed, int points = 12) =>
        DifferentiableFormCheck.AgainstAssess(model, args, seed, points);

    [Fact]
    public void The_models_have_differentiable_forms()
    {
        Assert.Null(M.TruncatedHierarchyModel.DifferentiableFormMissingReason);
        Assert.Null(M.NewFamiliesModel.DifferentiableFormMissingReason);
        Assert.NotNull(M.TruncatedHierarchyModel.DifferentiableForm);
        Assert.NotNull(M.NewFamiliesModel.DifferentiableForm);
    }

    [Fact]
    public void The_truncated_hierarchy_form_matches_assess_and_finite_differences()
    {
        CheckAgainstAssess(M.TruncatedHierarchyModel, Ys, 21);
    }

    [Fact]
    public void Every_new_family_and_function_in_a_model_matches_assess_and_finite_differences()
    {
        CheckAgainstAssess(M.NewFamiliesModel, [0.4, -0.3, 1.2], 22, points: 20);
        var d = ModelDensity.Create(M.NewFamiliesModel, [0.4, -0.3, 1.2], ChoiceMap.Empty);
        Assert.Equal(["a", "s", "h", "k", "angle", "t", "g", "e", "st"], d.Addresses.Select(x => x.ToString()));
    }

    [Fact]
    public void Sampling_a_model_with_an_improper_prior_says_why_it_cannot()
    {
        var e = Assert.Throws<ImproperDistributionException>(() => M.NewFamiliesModel.Simulate([0.4], new Rng(1)));
        Assert.Contains("Flat", e.Message);
        Assert.Contains("cannot be sampled", e.Message);
    }

    /// <summary>
    /// The posterior of (τ, μ) by quadrature with MathNet's densities and CDFs: for each τ the integrand in μ is a Gaussian
    /// bump (prior × likelihood) cut to [0, 5], integrated by Simpson's rule over ±12 of its standard deviations; τ = eᵛ by
    /// Simpson's rule over v. (A separate computation with Python's math module agreed to within 4e-6.) <paramref name="normalised"/> false drops the truncation's normaliser (a negative control).
    /// </summary>
    private static (double MeanTau, double MeanMu) PosteriorByQuadrature(bool normalised)
    {
        var n = Ys.Length;
        var sum = Ys.Sum();
        double LogJoint(double tau, double mu)
        {
            var sd = 0.5 + tau;
            var lp = Math.Log(2 * MN.StudentT.PDF(0, 1, 3, tau)) + MN.Normal.PDFLn(1, sd, mu);
            if (normalised) lp -= Math.Log(MN.Normal.CDF(1, sd, 5) - MN.Normal.CDF(1, sd, 0));
            foreach (var y in Ys) lp += MN.Normal.PDFLn(mu, 1, y);
            return lp;
        }
        var reference = LogJoint(1, sum / n);
        static double Simpson(Func<double, double> f, double a, double b, int intervals)
        {
            var h = (b - a) / intervals;
            var total = f(a) + f(b);
            for (var i = 1; i < intervals; i++) total += (i % 2 == 1 ? 4 : 2) * f(a + i * h);
            return total * h / 3;
        }
        double z = 0, tauMoment = 0, muMoment = 0;
        const int outer = 4000;
        const double vLo = -15, vHi = 12;
        var hv = (vHi - vLo) / outer;
        for (var j = 0; j <= outer; j++)
        {
            var v = vLo + j * hv;
            var tau = Math.Exp(v);
            var sd = 0.5 + tau;
            var precision = 1 / (sd * sd) + n;
            var m = (1 / (sd * sd) + sum) / precision;
            var s = 1 / Math.Sqrt(precision);
            var a = Math.Max(0, m - 12 * s);
            var b = Math.Min(5, m + 12 * s);
            double i0 = 0, i1 = 0;
            if (b > a)
            {
                i0 = Simpson(mu => Math.Exp(LogJoint(tau, mu) - reference), a, b, 400);
                i1 = Simpson(mu => mu * Math.Exp(LogJoint(tau, mu) - reference), a, b, 400);
            }
            var w = (j == 0 || j == outer ? 1 : j % 2 == 1 ? 4 : 2) * hv / 3 * tau;
            z += w * i0;
            tauMoment += w * tau * i0;
            muMoment += w * i1;
        }
        return (tauMoment / z, muMoment / z);
    }

    [Fact]
    public void Nuts_on_the_truncated_hierarchy_matches_the_posterior_by_quadrature()
    {
        var (meanTau, meanMu) = PosteriorByQuadrature(normalised: true);
        var r = McmcSampler.Sample(M.TruncatedHierarchyModel, Ys, ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 500, Draws = 1500 }, new Rng(2026));
        Assert.Equal(["tau", "mu"], r.Names);
        Assert.All(r.Draws.SelectMany(c => c), x => Assert.InRange(x[1], 0, 5));
        Assert.True(MomentCheck.MaxZ(r, (x => x[0], meanTau), (x => x[1], meanMu)) < 5,
            $"E[tau] = {meanTau}, E[mu] = {meanMu}; z = {MomentCheck.Z(r, x => x[0], meanTau)}, {MomentCheck.Z(r, x => x[1], meanMu)}");
        // Negative control: the posterior without the truncation's normaliser (which depends on τ) is told apart.
        var (wrongTau, wrongMu) = PosteriorByQuadrature(normalised: false);
        Assert.True(MomentCheck.MaxZ(r, (x => x[0], wrongTau), (x => x[1], wrongMu)) > 5, $"wrong E[tau] = {wrongTau}, E[mu] = {wrongMu}");
    }

    [Fact]
    public void The_wishart_form_matches_assess_and_finite_differences()
    {
        Assert.Null(M.WishartsModel.DifferentiableFormMissingReason);
        var scale = new double[,] { { 1.5, 0.4 }, { 0.4, 0.9 } };
        double[][] ys = [[0.4, -1.0], [1.3, 0.2], [-0.5, 0.1]];
        CheckAgainstAssess(M.WishartsModel, (ys, scale), 23);
        var d = Assert.IsType<ModelDensity<(double[][], double[,])>>(ModelDensity.Create(M.WishartsModel, (ys, scale), ChoiceMap.Empty));
        Assert.Equal(["nu", "W/0/0", "W/1/0", "W/1/1", "a", "T/0/0", "T/1/0", "T/1/1"], d.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Nuts_on_a_wishart_prior_has_mean_nu_times_the_scale()
    {
        const double nu = 4.5;
        var scale = new double[,] { { 1.5, 0.4 }, { 0.4, 0.9 } };
        var r = McmcSampler.Sample(M.WishartPriorModel, (nu, scale), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(2031));
        Assert.Equal(["W/0/0", "W/0/1", "W/1/0", "W/1/1"], r.Names);
        (Func<double[], double>, double)[] Moments(double dof) => [(w => w[0], dof * scale[0, 0]), (w => w[1], dof * scale[0, 1]), (w => w[3], dof * scale[1, 1])];
        MomentCheck.AssertMatches(r, 5, Moments(nu));
        // Negative control: the mean of W(ν + 1.5, S).
        Assert.True(MomentCheck.MaxZ(r, Moments(nu + 1.5)) > 5);
    }

    private static readonly double[,] Scale2 = { { 1.5, 0.4 }, { 0.4, 0.9 } };

    private static readonly double[,] Scale3 = { { 1.5, 0.4, -0.2 }, { 0.4, 0.9, 0.1 }, { -0.2, 0.1, 2.0 } };

    /// <summary>The Cholesky factor by MathNet (not this library's factorisation).</summary>
    private static double[,] Factor(double[,] s) => MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(s).Cholesky().Factor.ToArray();

    [Fact]
    public void The_cholesky_wishart_forms_match_assess_and_finite_differences()
    {
        Assert.Null(M.WishartCholeskysModel.DifferentiableFormMissingReason);
        double[][] ys = [[0.4, -1.0], [1.3, 0.2], [-0.5, 0.1]];
        CheckAgainstAssess(M.WishartCholeskysModel, (ys, Factor(Scale2)), 25);
        var d = Assert.IsType<ModelDensity<(double[][], double[,])>>(ModelDensity.Create(M.WishartCholeskysModel, (ys, Factor(Scale2)), ChoiceMap.Empty));
        Assert.Equal(["nu", "L/0/0", "L/1/0", "L/1/1", "a", "K/0/0", "K/1/0", "K/1/1"], d.Addresses.Select(a => a.ToString()));
        // Three dimensions: six coordinates onto the lower triangle of each factor.
        CheckAgainstAssess(M.WishartCholeskyPriorModel, (5.5, Factor(Scale3)), 26);
        CheckAgainstAssess(M.InverseWishartCholeskyPriorModel, (5.5, Factor(Scale3)), 27);
    }

    /// <summary>The draws' LLᵀ = (L₀₀², L₁₀L₀₀, L₁₀² + L₁₁²) from a draw (L₀₀, L₀₁, L₁₀, L₁₁), against a 2×2 mean.</summary>
    private static (Func<double[], double>, double)[] GramMoments(double[,] mean) =>
        [(l => l[0] * l[0], mean[0, 0]), (l => l[2] * l[0], mean[1, 0]), (l => l[2] * l[2] + l[3] * l[3], mean[1, 1])];

    private static double[,] Scaled(double[,] s, double c) => new[,] { { c * s[0, 0], c * s[0, 1] }, { c * s[1, 0], c * s[1, 1] } };

    [Fact]
    public void Nuts_on_a_cholesky_wishart_prior_has_gram_mean_nu_times_the_scale()
    {
        const double nu = 4.5;
        var r = McmcSampler.Sample(M.WishartCholeskyPriorModel, (nu, Factor(Scale2)), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(2033));
        Assert.Equal(["L/0/0", "L/0/1", "L/1/0", "L/1/1"], r.Names);
        MomentCheck.AssertMatches(r, 5, GramMoments(Scaled(Scale2, nu)));
        // Negative control: the mean of LLᵀ under ν + 1.5 degrees of freedom.
        Assert.True(MomentCheck.MaxZ(r, GramMoments(Scaled(Scale2, nu + 1.5))) > 5);
    }

    [Fact]
    public void Nuts_on_a_cholesky_inverse_wishart_prior_has_gram_mean_psi_over_nu_minus_n_minus_one()
    {
        const double nu = 10;
        var r = McmcSampler.Sample(M.InverseWishartCholeskyPriorModel, (nu, Factor(Scale2)), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(2034));
        MomentCheck.AssertMatches(r, 5, GramMoments(Scaled(Scale2, 1 / (nu - 3))));
        // Negative control: the denominator ν − n, one degree of freedom off.
        Assert.True(MomentCheck.MaxZ(r, GramMoments(Scaled(Scale2, 1 / (nu - 2)))) > 5);
    }

    /// <summary>
    /// Unit-vector choices have as many coordinates as entries but a map of rank n − 1, so the shared check's Jacobian does
    /// not apply: the form must be Assess of the constrained values (densities on the sphere's surface measure) plus
    /// Stan's adjustment −½‖y‖² for each unit vector's coordinates y, and its gradient the central difference of its value.
    /// </summary>
    [Fact]
    public void The_unit_vector_form_is_assess_plus_minus_half_the_squared_norms_and_matches_finite_differences()
    {
        Assert.Null(M.UnitVectorsModel.DifferentiableFormMissingReason);
        var args = (new[] { 0.6, 0.0, 0.8 }, 1.5);
        var d = Assert.IsType<ModelDensity<(double[], double)>>(ModelDensity.Create(M.UnitVectorsModel, args, ChoiceMap.Empty));
        Assert.Equal(["m", "x/0", "x/1", "x/2", "z/0", "z/1", "z/2"], d.Addresses.Select(a => a.ToString()));
        var rng = new Rng(24);
        for (var p = 0; p < 12; p++)
        {
            var u = Enumerable.Range(0, 7).Select(_ => 1.5 * (2 * rng.NextDouble() - 1)).ToArray();
            var x = d.Constrain(u);
            var expected = M.UnitVectorsModel.Assess(args, d.SetValues(ChoiceMap.Empty, x)).Weight - 0.5 * u.Skip(1).Sum(v => v * v);
            var lp = d.LogDensity(u);
            Assert.True(Math.Abs(lp - expected) < 1e-9 * (1 + Math.Abs(expected)), $"form {lp}, Assess − ½‖y‖² {expected}");
            var g = new double[7];
            Assert.Equal(lp, d.LogDensityAndGradient(u, g), 12);
            Assert.Null(DifferentiableFormCheck.GradientMismatch(DifferentiableFormCheck.Form.Of(d), u, g));
        }
    }

    [Fact]
    public void Nuts_on_a_unit_vector_with_a_von_mises_fisher_factor_has_the_closed_form_mean()
    {
        const double kappa = 3;
        double[] mu = [1.0 / 3, 2.0 / 3, -2.0 / 3];
        var r = McmcSampler.Sample(M.UnitVectorWithFactorModel, (mu, kappa), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(2032));
        Assert.Equal(["x/0", "x/1", "x/2"], r.Names);
        Assert.All(r.Draws.SelectMany(c => c), x => Assert.Equal(1, Math.Sqrt(x.Sum(v => v * v)), 10));
        (Func<double[], double>, double)[] Moments(double k)
        {
            var a = 1 / Math.Tanh(k) - 1 / k;
            return [(x => x[0], a * mu[0]), (x => x[1], a * mu[1]), (x => x[2], a * mu[2])];
        }
        MomentCheck.AssertMatches(r, 5, Moments(kappa));
        // Negative control: the mean of half the concentration.
        Assert.True(MomentCheck.MaxZ(r, Moments(kappa / 2)) > 5);
    }

    [Fact]
    public void Nuts_on_a_von_mises_fisher_prior_in_five_dimensions_has_its_mean_resultant_length()
    {
        const double kappa = 6;
        double[] mu = [0.5, -0.5, 0.5, 0.5, 0.0];
        var r = McmcSampler.Sample(M.VonMisesFisherPriorModel, (mu, kappa), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(2033));
        var a = Ppl.Distributions.VonMisesFisher.MeanResultantLength(5, kappa);
        MomentCheck.AssertMatches(r, 5, (x => x.Zip(mu, (p, q) => p * q).Sum(), a), (x => x[0], a * mu[0]), (x => x[4], 0.0));
        // Negative control: the three-dimensional A(κ) (coth κ − 1/κ) is not the five-dimensional one.
        Assert.True(MomentCheck.MaxZ(r, (x => x.Zip(mu, (p, q) => p * q).Sum(), 1 / Math.Tanh(kappa) - 1 / kappa)) > 5);
    }

    /// <summary>
    /// The approximate GP's form against Assess plus the log-Jacobian and finite differences for each kernel, and Assess
    /// itself against the density written out by hand (MathNet's normal, half-normal and log-normal densities, the basis
    /// and scales from their formulas).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void The_approximate_gp_form_matches_assess_the_hand_computation_and_finite_differences(int kernel)
    {
        Assert.Null(M.ApproximateGpModel.DifferentiableFormMissingReason);
        double[] xs = [-1.0, -0.6, -0.1, 0.3, 0.8, 1.0];
        double[] ys = [0.2, 0.9, 1.1, 0.4, -0.5, -0.8];
        const int m = 6;
        const double boundary = 1.5;
        var args = (xs, ys, m, boundary, kernel);
        CheckAgainstAssess(M.ApproximateGpModel, args, (ulong)(30 + kernel));
        var d = ModelDensity.Create(M.ApproximateGpModel, args, ChoiceMap.Empty);
        Assert.Equal(["alpha", "rho", "z/1", "z/2", "z/3", "z/4", "z/5", "z/6"], d.Addresses.Select(a => a.ToString()));
        var x = d.Constrain([0.2, -0.4, 0.5, -1.2, 0.3, 0.8, -0.1, 0.6]);
        var (alpha, rho) = (x[0], x[1]);
        var hand = MN.Normal.PDFLn(0, 1, alpha) + Math.Log(2) + MN.LogNormal.PDFLn(-1, 0.5, rho);
        for (var j = 1; j <= m; j++) hand += MN.Normal.PDFLn(0, 1, x[1 + j]);
        for (var i = 0; i < xs.Length; i++)
        {
            double f = 0;
            for (var j = 1; j <= m; j++)
            {
                var w = j * Math.PI / (2 * boundary);
                var spectral = kernel switch
                {
                    0 => alpha * alpha * Math.Sqrt(2 * Math.PI) * rho * Math.Exp(-0.5 * rho * rho * w * w),
                    1 => alpha * alpha * 12 * Math.Sqrt(3) / Math.Pow(rho, 3) / Math.Pow(3 / (rho * rho) + w * w, 2),
                    _ => alpha * alpha * 400 * Math.Sqrt(5) / 3 / Math.Pow(rho, 5) / Math.Pow(5 / (rho * rho) + w * w, 3),
                };
                f += Math.Sin(w * (xs[i] + boundary)) / Math.Sqrt(boundary) * Math.Sqrt(spectral) * x[1 + j];
            }
            hand += MN.Normal.PDFLn(f, 0.3, ys[i]);
        }
        Assert.Equal(hand, M.ApproximateGpModel.Assess(args, d.SetValues(ChoiceMap.Empty, x)).Weight, 10);
    }

    /// <summary>
    /// The plane's approximate GP (a length-scale per dimension, or isotropic Matérn 3/2): the form against Assess plus the
    /// log-Jacobian and finite differences, and Assess against the density written out from the formulas.
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_approximate_gp_on_the_plane_matches_assess_the_hand_computation_and_finite_differences(int kernel)
    {
        Assert.Null(M.ApproximateGpPlaneModel.DifferentiableFormMissingReason);
        double[][] xs = [[-0.8, 0.1], [-0.2, -0.6], [0.3, 0.4], [0.7, -0.1], [0.0, 0.9]];
        double[] ys = [0.3, -0.4, 1.0, 0.2, -0.7];
        int[] m = [3, 4];
        double[] boundary = [1.5, 2.0];
        var indices = RealHilbertGp.Indices(m);
        var basis = RealHilbertGp.Basis(xs, m, boundary);
        var args = (basis, indices, boundary, ys, kernel);
        CheckAgainstAssess(M.ApproximateGpPlaneModel, args, (ulong)(40 + kernel));
        var d = ModelDensity.Create(M.ApproximateGpPlaneModel, args, ChoiceMap.Empty);
        Assert.Equal(3 + indices.Length, d.Dimension);
        var u = Enumerable.Range(0, d.Dimension).Select(i => 0.3 * Math.Sin(1.7 * i + 0.4)).ToArray();
        var x = d.Constrain(u);
        var (alpha, rho0, rho1) = (x[0], x[1], x[2]);
        var hand = MN.Normal.PDFLn(0, 1, alpha) + Math.Log(2) + MN.LogNormal.PDFLn(-1, 0.5, rho0) + MN.LogNormal.PDFLn(-1, 0.5, rho1);
        var w = new double[indices.Length];
        for (var k = 0; k < indices.Length; k++)
        {
            hand += MN.Normal.PDFLn(0, 1, x[3 + k]);
            var w0 = indices[k][0] * Math.PI / (2 * boundary[0]);
            var w1 = indices[k][1] * Math.PI / (2 * boundary[1]);
            // S(ω) for the ARD exponentiated quadratic, and for the isotropic Matérn 3/2 in two dimensions, whose constant
            // 2² π Γ(5/2) 3^(3/2) / Γ(3/2) is 4π · (3/2) · 3√3 = 18√3 π.
            var spectral = kernel == 0
                ? alpha * alpha * 2 * Math.PI * rho0 * rho1 * Math.Exp(-0.5 * (rho0 * rho0 * w0 * w0 + rho1 * rho1 * w1 * w1))
                : alpha * alpha * 18 * Math.Sqrt(3) * Math.PI / Math.Pow(rho0, 3) * Math.Pow(3 / (rho0 * rho0) + w0 * w0 + w1 * w1, -2.5);
            w[k] = Math.Sqrt(spectral) * x[3 + k];
        }
        for (var i = 0; i < xs.Length; i++)
        {
            double f = 0;
            for (var k = 0; k < indices.Length; k++)
                f += Math.Sin(indices[k][0] * Math.PI / (2 * boundary[0]) * (xs[i][0] + boundary[0])) / Math.Sqrt(boundary[0])
                    * Math.Sin(indices[k][1] * Math.PI / (2 * boundary[1]) * (xs[i][1] + boundary[1])) / Math.Sqrt(boundary[1]) * w[k];
            hand += MN.Normal.PDFLn(f, 0.3, ys[i]);
        }
        Assert.Equal(hand, M.ApproximateGpPlaneModel.Assess(args, d.SetValues(ChoiceMap.Empty, x)).Weight, 10);
    }

    /// <summary>
    /// NUTS on the approximate GP with a random magnitude against its posterior by quadrature: given α the weights are
    /// Gaussian (y ~ N(0, α²BBᵀ + σ²I) with B the basis times the scales at α = 1, E[z | α, y] = αBᵀ(α²BBᵀ + σ²I)⁻¹y), so
    /// E[α | y] and the posterior mean of f at a data point are one-dimensional integrals over α.
    /// </summary>
    [Fact]
    public void Nuts_on_an_approximate_gp_with_a_random_magnitude_matches_the_posterior_by_quadrature()
    {
        double[] xs = [-1.0, -0.7, -0.4, -0.1, 0.2, 0.5, 0.8, 1.0];
        var ys = xs.Select(x => 1.5 * Math.Sin(2.5 * x) + 0.2 * Math.Cos(7 * x)).ToArray();
        const int m = 8;
        const double boundary = 1.5, rho = 0.5, sigma = 0.3;
        var b = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(xs.Length, m,
            (i, j) => RealHilbertGp.Eigenfunction(j + 1, boundary, xs[i]) * RealHilbertGp.Matern52Scale(j + 1, boundary, 1.0, rho));
        var y = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(ys);
        // E[α | y] and the posterior mean of f(x₄) = α (Bz)₄.
        (double Alpha, double F4) Posterior(double noise)
        {
            double z = 0, ea = 0, ef = 0;
            const int steps = 3000;
            const double top = 8;
            for (var k = 1; k <= steps; k++)
            {
                var a = (k - 0.5) * top / steps;
                var cov = a * a * b * b.Transpose() + noise * noise * MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(xs.Length);
                var chol = cov.Cholesky();
                var solved = chol.Solve(y);
                var logMarginal = -0.5 * y.DotProduct(solved) - 0.5 * chol.DeterminantLn;
                var w = Math.Exp(logMarginal - 0.5 * a * a);
                z += w;
                ea += w * a;
                ef += w * a * a * (b * (b.Transpose() * solved))[4];
            }
            return (ea / z, ef / z);
        }
        double F4(double[] draw)
        {
            double f = 0;
            for (var j = 0; j < m; j++) f += b[4, j] * draw[0] * draw[1 + j];
            return f;
        }
        var (alpha, f4) = Posterior(sigma);
        var r = McmcSampler.Sample(M.ApproximateGpMagnitudeModel, (xs, ys, m, boundary, rho), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 500, Draws = 1000 }, new Rng(2034));
        Assert.Equal(["alpha", "z/1"], r.Names.Take(2));
        MomentCheck.AssertMatches(r, 5, (x => x[0], alpha), (F4, f4));
        // Negative control: the posterior under twice the noise.
        var (wrongAlpha, wrongF4) = Posterior(2 * sigma);
        Assert.True(MomentCheck.MaxZ(r, (x => x[0], wrongAlpha), (F4, wrongF4)) > 5, $"wrong E[α] = {wrongAlpha}, E[f(x₄)] = {wrongF4}; right {alpha}, {f4}");
    }
}
