using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Ppl.Tests.Shared;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.VectorChoiceModels;
using MN = MathNet.Numerics.Distributions;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// Vector- and matrix-valued choices in the differentiable form (simplex, multivariate normal, ordered vector,
/// correlation Cholesky factor): the form against Assess plus a finite-difference log-Jacobian over the free entries
/// and finite-difference gradients, with data and random parameters; draws named by entry; NUTS against conjugate
/// posteriors and known order statistics and LKJ marginals, each with a negative control.
/// </summary>
public class VectorChoiceFormTests
{
    private static void CheckAgainstAssess<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ulong seed, int points = 10, double radius = 1.5) =>
        DifferentiableFormCheck.AgainstAssess(model, args, seed, points, radius);

    [Fact]
    public void Dirichlet_with_data_concentrations_matches_assess_and_finite_differences()
    {
        Assert.Null(M.DirichletCategoricalModel.DifferentiableFormMissingReason);
        var args = (new[] { 1.5, 2.0, 0.7, 3.0 }, new[] { 0, 3, 3, 1, 2, 3, 0 });
        CheckAgainstAssess(M.DirichletCategoricalModel, args, 1);
        var d = Assert.IsType<ModelDensity<(double[], int[])>>(ModelDensity.Create(M.DirichletCategoricalModel, args, ChoiceMap.Empty));
        // K − 1 coordinates, K reported entries.
        Assert.Equal(["p/0", "p/1", "p/2"], d.Addresses.Select(a => a.ToString()));
        Assert.Equal(["p/0", "p/1", "p/2", "p/3"], d.ValueAddresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Dirichlet_with_random_concentrations_multinomial_and_an_observed_simplex_matches_assess_and_finite_differences()
    {
        Assert.Null(M.DirichletRandomModel.DifferentiableFormMissingReason);
        CheckAgainstAssess(M.DirichletRandomModel, (new[] { 3, 0, 5 }, new[] { 0.2, 0.5, 0.3 }), 2);
    }

    [Fact]
    public void Multivariate_normals_with_random_means_covariances_and_factors_match_assess_and_finite_differences()
    {
        Assert.Null(M.MvNormalsModel.DifferentiableFormMissingReason);
        CheckAgainstAssess(M.MvNormalsModel, (new[] { 0.3, -0.8 }, new double[,] { { 1.0, 0.3 }, { 0.3, 0.5 } }), 3);
    }

    [Fact]
    public void Lkj_cholesky_with_a_random_shape_matches_assess_and_finite_differences()
    {
        Assert.Null(M.LkjModel.DifferentiableFormMissingReason);
        CheckAgainstAssess(M.LkjModel, new[] { 0.4, -0.2, 1.1 }, 4);
        var d = Assert.IsType<ModelDensity<double[]>>(ModelDensity.Create(M.LkjModel, new[] { 0.4, -0.2, 1.1 }, ChoiceMap.Empty));
        Assert.Equal(["eta", "L/1/0", "L/2/0", "L/2/1"], d.Addresses.Take(4).Select(a => a.ToString()));
        Assert.Equal(["eta", "L/0/0", "L/0/1", "L/0/2", "L/1/0"], d.ValueAddresses.Take(5).Select(a => a.ToString()));
    }

    [Fact]
    public void Ordered_vectors_with_random_base_parameters_match_assess_and_finite_differences()
    {
        Assert.Null(M.OrderedsModel.DifferentiableFormMissingReason);
        CheckAgainstAssess(M.OrderedsModel, 0.7, 5);
    }

    [Fact]
    public void Families_with_every_parameter_data_match_assess_and_finite_differences()
    {
        var ys = new[] { new[] { 0.4, -1.0 }, new[] { 1.3, 0.2 } };
        CheckAgainstAssess(M.MvNormalMeanModel, (new[] { 0.5, -0.5 }, new double[,] { { 2.0, 0.3 }, { 0.3, 1.0 } }, ys, new double[,] { { 1.0, 0.4 }, { 0.4, 0.8 } }), 6);
        CheckAgainstAssess(M.LkjPriorModel, 1.7, 7);
        CheckAgainstAssess(M.OrderStatisticsModel, Unit.Value, 8);
        CheckAgainstAssess(M.LkjPriorModel, 0.6, 9, radius: 3);
    }

    [Fact]
    public void A_vector_choice_given_as_an_observation_is_held_and_the_rest_matches_assess()
    {
        var args = (new[] { 3, 0, 5 }, new[] { 0.2, 0.5, 0.3 });
        var observations = ChoiceMap.Empty.Set("p", new[] { 0.25, 0.15, 0.6 });
        var d = Assert.IsType<ModelDensity<(int[], double[])>>(ModelDensity.Create(M.DirichletRandomModel, args, observations));
        Assert.Equal(["alpha/0", "alpha/1", "alpha/2"], d.Addresses.Select(a => a.ToString()));
        var rng = new Rng(10);
        for (var p = 0; p < 6; p++)
        {
            var u = Enumerable.Range(0, d.Dimension).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            Assert.Null(DifferentiableFormCheck.Mismatch(DifferentiableFormCheck.Form.Of(d, d.Layout), u,
                choices => M.DirichletRandomModel.Assess(args, observations.Merge(choices)).Weight));
        }
        var wrong = ChoiceMap.Empty.Set("p", new[] { 0.25, 0.15 });
        var e = Assert.Throws<DifferentiableLayoutException>(() => ModelDensity.Create(M.DirichletRandomModel, args, wrong));
        Assert.Contains("2 entries", e.Message);
    }

    [Fact]
    public void A_covariance_that_is_not_positive_definite_is_named_at_its_site()
    {
        var ys = new[] { new[] { 0.4, -1.0 } };
        var bad = new double[,] { { 1.0, 2.0 }, { 2.0, 1.0 } };
        var e = Assert.Throws<DistributionParameterException>(() => McmcSampler.Sample(M.MvNormalMeanModel,
            (new[] { 0.0, 0.0 }, new double[,] { { 1.0, 0.0 }, { 0.0, 1.0 } }, ys, bad), ChoiceMap.Empty,
            new NutsKernel(), new McmcSettings { Chains = 1, Warmup = 10, Draws = 10 }, new Rng(1)));
        Assert.Contains("'y/0'", e.Message);
        Assert.Contains("positive definite", e.Message);
    }

    [Fact]
    public void A_start_given_as_choices_round_trips_and_choices_are_set_whole()
    {
        var args = (new[] { 1.5, 2.0, 0.7, 3.0 }, new[] { 0, 3, 3, 1 });
        var d = Assert.IsType<ModelDensity<(double[], int[])>>(ModelDensity.Create(M.DirichletCategoricalModel, args, ChoiceMap.Empty));
        var p = new[] { 0.1, 0.2, 0.3, 0.4 };
        var u = d.Unconstrain(ChoiceMap.Empty.Set("p", p));
        Assert.Equal(3, u.Length);
        var back = d.Constrain(u);
        for (var k = 0; k < 4; k++) Assert.Equal(p[k], back[k], 12);
        var choices = d.ToChoices(u);
        var whole = choices.Get<double[]>("p");
        for (var k = 0; k < 4; k++) Assert.Equal(p[k], whole[k], 12);
        Assert.Equal(M.DirichletCategoricalModel.Assess(args, choices).Weight + 0, d.LogDensity(u) - LogStickBreakingJacobian(p), 8);

        var l = new double[,] { { 1, 0, 0 }, { 0.6, 0.8, 0 }, { -0.28, 0.96 * 0.5, 0 } };
        l[2, 2] = Math.Sqrt(1 - l[2, 0] * l[2, 0] - l[2, 1] * l[2, 1]);
        var lkj = Assert.IsType<ModelDensity<double>>(ModelDensity.Create(M.LkjPriorModel, 2.0, ChoiceMap.Empty));
        var entries = lkj.Constrain(lkj.Unconstrain(ChoiceMap.Empty.Set("L", l)));
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++) Assert.Equal(l[i, j], entries[3 * i + j], 12);
    }

    /// <summary>log |det ∂(p₀…p_{K−2})/∂u| of the stick-breaking map, written from the value: Πₖ zₖ(1 − zₖ)·remainingₖ with zₖ = pₖ/remainingₖ.</summary>
    private static double LogStickBreakingJacobian(double[] p)
    {
        double remaining = 1, total = 0;
        for (var k = 0; k < p.Length - 1; k++)
        {
            var z = p[k] / remaining;
            total += Math.Log(z) + Math.Log(1 - z) + Math.Log(remaining);
            remaining -= p[k];
        }
        return total;
    }

    [Fact]
    public void Nuts_on_a_dirichlet_prior_with_categorical_observations_matches_the_conjugate_posterior()
    {
        var alpha = new[] { 4.0, 1.0, 2.0 };
        var rng = new Rng(11);
        var truth = new[] { 0.2, 0.5, 0.3 };
        var ys = Enumerable.Range(0, 30).Select(_ => { var v = rng.NextDouble(); return v < truth[0] ? 0 : v < truth[0] + truth[1] ? 1 : 2; }).ToArray();
        var r = McmcSampler.Sample(M.DirichletCategoricalModel, (alpha, ys), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(12));
        Assert.Equal(["p/0", "p/1", "p/2"], r.Names);
        Assert.All(r.Draws.SelectMany(c => c), draw => Assert.Equal(1.0, draw.Sum(), 10));
        (Func<double[], double>, double)[] Moments(double[] a)
        {
            var total = a.Sum();
            return Enumerable.Range(0, 3).SelectMany(k => new (Func<double[], double>, double)[]
            {
                (w => w[k], a[k] / total),
                (w => (w[k] - a[k] / total) * (w[k] - a[k] / total), a[k] * (total - a[k]) / (total * total * (total + 1))),
            }).ToArray();
        }
        var posterior = alpha.Select((a, k) => a + ys.Count(y => y == k)).ToArray();
        MomentCheck.AssertMatches(r, 5, Moments(posterior));
        // Negative control: the posterior under a flat prior (the concentrations forgotten) is rejected by the same check.
        Assert.True(MomentCheck.MaxZ(r, Moments(posterior.Select((a, k) => a - alpha[k] + 1).ToArray())) > 5);
    }

    [Fact]
    public void Nuts_on_a_multivariate_normal_mean_matches_the_conjugate_gaussian_posterior()
    {
        var m0 = new[] { 0.5, -0.5 };
        var s0 = new double[,] { { 2.0, 0.3 }, { 0.3, 1.0 } };
        var sigma = new double[,] { { 1.0, 0.4 }, { 0.4, 0.8 } };
        var rng = new Rng(21);
        var chol = Matrix<double>.Build.DenseOfArray(sigma).Cholesky().Factor;
        var ys = Enumerable.Range(0, 15).Select(_ =>
        {
            var e = chol * Vector<double>.Build.Dense(2, _ => rng.NextGaussian());
            return new[] { 1.0 + e[0], -2.0 + e[1] };
        }).ToArray();
        (Vector<double> Mean, Matrix<double> Cov) Posterior(double scale)
        {
            var s0Inv = Matrix<double>.Build.DenseOfArray(s0).Inverse();
            var sInv = (Matrix<double>.Build.DenseOfArray(sigma) * scale).Inverse();
            var cov = (s0Inv + ys.Length * sInv).Inverse();
            var sum = ys.Aggregate(Vector<double>.Build.Dense(2), (acc, y) => acc + Vector<double>.Build.DenseOfArray(y));
            return (cov * (s0Inv * Vector<double>.Build.DenseOfArray(m0) + sInv * sum), cov);
        }
        var r = McmcSampler.Sample(M.MvNormalMeanModel, (m0, s0, ys, sigma), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 300, Draws = 1000 }, new Rng(22));
        Assert.Equal(["mu/0", "mu/1"], r.Names);
        (Func<double[], double>, double)[] Moments((Vector<double> Mean, Matrix<double> Cov) p) =>
        [
            (w => w[0], p.Mean[0]),
            (w => w[1], p.Mean[1]),
            (w => (w[0] - p.Mean[0]) * (w[0] - p.Mean[0]), p.Cov[0, 0]),
            (w => (w[1] - p.Mean[1]) * (w[1] - p.Mean[1]), p.Cov[1, 1]),
            (w => (w[0] - p.Mean[0]) * (w[1] - p.Mean[1]), p.Cov[0, 1]),
        ];
        MomentCheck.AssertMatches(r, 5, Moments(Posterior(1)));
        // Negative control: the posterior with the observation covariance four times too large.
        Assert.True(MomentCheck.MaxZ(r, Moments(Posterior(4))) > 5);
    }

    /// <summary>E[X₍ₖ₎ʲ] for the k-th of n order statistics of standard normals, by Simpson's rule on [−12, 12] (MathNet's Φ and φ).</summary>
    private static double NormalOrderMoment(int n, int k, int power)
    {
        double Coefficient() => MathNet.Numerics.SpecialFunctions.Factorial(n) / (MathNet.Numerics.SpecialFunctions.Factorial(k - 1) * MathNet.Numerics.SpecialFunctions.Factorial(n - k));
        double F(double x)
        {
            var phi = MN.Normal.CDF(0, 1, x);
            return Coefficient() * Math.Pow(phi, k - 1) * Math.Pow(1 - phi, n - k) * MN.Normal.PDF(0, 1, x) * Math.Pow(x, power);
        }
        const int steps = 20000;
        const double a = -12, b = 12, h = (b - a) / steps;
        var sum = F(a) + F(b);
        for (var i = 1; i < steps; i++) sum += (i % 2 == 1 ? 4 : 2) * F(a + i * h);
        return sum * h / 3;
    }

    [Fact]
    public void Nuts_on_ordered_vectors_draws_the_order_statistics()
    {
        var r = McmcSampler.Sample(M.OrderStatisticsModel, Unit.Value, ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(31));
        Assert.Equal(["c/0", "c/1", "c/2", "d/0", "d/1"], r.Names);
        Assert.All(r.Draws.SelectMany(c => c), w => Assert.True(w[0] < w[1] && w[1] < w[2] && 0 < w[3] && w[3] < w[4], string.Join(", ", w)));
        // Normal order statistics by quadrature; exponential ones exactly (Rényi: X₍₁₎ = E₁/2, X₍₂₎ = E₁/2 + E₂).
        var moments = Enumerable.Range(0, 3).SelectMany(k => new (Func<double[], double>, double)[]
        {
            (w => w[k], NormalOrderMoment(3, k + 1, 1)),
            (w => w[k] * w[k], NormalOrderMoment(3, k + 1, 2)),
        }).Concat(
        [
            (w => w[3], 0.5), (w => w[4], 1.5), (w => w[3] * w[3], 0.5), (w => w[4] * w[4], 3.5),
        ]).ToArray();
        Assert.Equal(-1.5 / Math.Sqrt(Math.PI), moments[0].Item2, 6); // E[min of 3] = −3/(2√π), a check of the quadrature
        MomentCheck.AssertMatches(r, 5, moments);
        // Negative control: the unordered marginals (mean 0, second moment 1 for every entry) are rejected.
        Assert.True(MomentCheck.MaxZ(r, (w => w[0], 0.0), (w => w[2], 0.0)) > 5);
    }

    [Fact]
    public void Nuts_on_an_lkj_cholesky_prior_matches_the_marginal_correlations()
    {
        const double eta = 2.0;
        var r = McmcSampler.Sample(M.LkjPriorModel, eta, ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(41));
        Assert.Equal(9, r.Names.Count);
        Assert.Equal("L/1/0", r.Names[3]);
        // Each correlation of LKJ(η) in dimension d is Beta(b, b) on (−1, 1) with b = η − 1 + d/2: mean 0, E[r²] = 1/(2b + 1).
        (Func<double[], double>, double)[] Moments(double b) =>
        [
            (w => w[3], 0.0), (w => w[6], 0.0), (w => w[3] * w[6] + w[4] * w[7], 0.0),
            (w => w[3] * w[3], 1 / (2 * b + 1)), (w => w[6] * w[6], 1 / (2 * b + 1)),
            (w => Math.Pow(w[3] * w[6] + w[4] * w[7], 2), 1 / (2 * b + 1)),
        ];
        MomentCheck.AssertMatches(r, 5, Moments(eta - 1 + 1.5));
        // Negative control: the marginals of the uniform LKJ (η = 1).
        Assert.True(MomentCheck.MaxZ(r, Moments(1 - 1 + 1.5)) > 5);
    }

    /// <summary>
    /// Gibbs on a categorical z cycled with NUTS on the simplex p of its weights (a gradient kernel on a selection, moving a
    /// vector choice of a trace): P(z = k | y) ∝ (αₖ/A) φ(y − μₖ) and E[p | y] = Σₖ P(z = k | y) (α + eₖ)/(A + 1) exactly.
    /// </summary>
    [Fact]
    public void Gibbs_on_a_component_cycled_with_nuts_on_its_simplex_matches_the_exact_posterior()
    {
        var alpha = new[] { 2.0, 2.0, 2.0 };
        var mus = new[] { -3.0, 0.0, 3.0 };
        const double y = 2.5;
        var total = alpha.Sum();
        var w = alpha.Select((a, k) => a / total * MN.Normal.PDF(mus[k], 1, y)).ToArray();
        var pz = w.Select(v => v / w.Sum()).ToArray();
        var ep = Enumerable.Range(0, 3).Select(j => Enumerable.Range(0, 3).Sum(k => pz[k] * (alpha[j] + (j == k ? 1 : 0)) / (total + 1))).ToArray();
        var kernel = Kernel.Cycle(Kernel.Gibbs<(double[], double[], double), double>("z"),
            Kernel.On<(double[], double[], double), double>(Selection.At("p"), new NutsKernel(), 200));
        var r = McmcSampler.Sample(M.SimplexMixtureModel, (alpha, mus, y), ChoiceMap.Empty, kernel, new McmcSettings { Chains = 4, Warmup = 200, Draws = 1000 },
            new Rng(51), ["z2", "p0", "p1", "p2"], t => [t.Get<int>("z") == 2 ? 1 : 0, .. t.Get<double[]>("p")]);
        (Func<double[], double>, double)[] Moments(double[] p) => [(x => x[0], pz[2]), (x => x[1], p[0]), (x => x[2], p[1]), (x => x[3], p[2])];
        MomentCheck.AssertMatches(r, 5, Moments(ep));
        // Negative control: the prior means of the weights (1/3 each) are not the posterior ones.
        Assert.True(MomentCheck.MaxZ(r, (x => x[3], 1.0 / 3)) > 5);
    }

    [Fact]
    public void Return_values_are_computed_from_whole_vector_choices_and_choice_gradients_say_they_do_not_take_vectors()
    {
        var args = (new[] { 1.0, 2.0, 3.0 }, new[] { 0, 2, 2 });
        var r = McmcSampler.Sample(M.DirichletCategoricalModel, args, ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 1, Warmup = 50, Draws = 50 }, new Rng(61), returnNames: ["ret"]);
        Assert.Equal(["p/0", "p/1", "p/2", "ret"], r.Names);
        // The model returns p[0]: Assess saw the simplex as the double[] it draws.
        Assert.All(r.Draws[0], d => Assert.Equal(d[0], d[3], 12));

        var trace = M.DirichletCategoricalModel.Generate(args, ChoiceMap.Empty, new Rng(62)).Trace;
        var e = Assert.Throws<NotSupportedException>(() => M.DirichletCategoricalModel.ChoiceGradients(trace, Selection.All));
        Assert.Contains("'p'", e.Message);
    }

    [Fact]
    public void Inverse_wishart_matches_mathnet_and_its_form_matches_assess_and_finite_differences()
    {
        var psi = new double[,] { { 1.5, 0.4 }, { 0.4, 0.9 } };
        var iw = new Ppl.Distributions.InverseWishart(4.5, psi);
        foreach (var x in new[] { new double[,] { { 1.0, 0.2 }, { 0.2, 0.7 } }, new double[,] { { 0.3, -0.1 }, { -0.1, 2.0 } } })
            Assert.Equal(Math.Log(new MN.InverseWishart(4.5, Matrix<double>.Build.DenseOfArray(psi)).Density(Matrix<double>.Build.DenseOfArray(x))), iw.LogDensity(x), 10);
        Assert.Null(M.CovariancesModel.DifferentiableFormMissingReason);
        var ys = new[] { new[] { 0.4, -1.0 }, new[] { 1.3, 0.2 }, new[] { -0.5, 0.1 } };
        CheckAgainstAssess(M.CovariancesModel, (ys, psi), 13);
        var d = Assert.IsType<ModelDensity<(double[][], double[,])>>(ModelDensity.Create(M.CovariancesModel, (ys, psi), ChoiceMap.Empty));
        Assert.Equal(["nu", "S/0/0", "S/1/0", "S/1/1", "a"], d.Addresses.Take(5).Select(a => a.ToString()));
    }

    [Fact]
    public void Nuts_on_an_inverse_wishart_covariance_matches_the_conjugate_posterior_mean()
    {
        const double nu = 5;
        var psi = new double[,] { { 2.0, 0.5 }, { 0.5, 1.0 } };
        var truth = Matrix<double>.Build.DenseOfArray(new double[,] { { 1.0, 0.6 }, { 0.6, 0.8 } }).Cholesky().Factor;
        var rng = new Rng(71);
        var ys = Enumerable.Range(0, 25).Select(_ => (truth * Vector<double>.Build.Dense(2, _ => rng.NextGaussian())).ToArray()).ToArray();
        var r = McmcSampler.Sample(M.CovarianceConjugateModel, (nu, psi, ys), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 400, Draws = 1000 }, new Rng(72));
        Assert.Equal(["S/0/0", "S/0/1", "S/1/0", "S/1/1"], r.Names);
        // Posterior IW(ν + n, Ψ + Σ yyᵀ), mean Ψ'/(ν' − 3) in dimension 2.
        (Func<double[], double>, double)[] Moments(double scatterWeight)
        {
            var post = Matrix<double>.Build.DenseOfArray(psi) + scatterWeight * ys.Aggregate(Matrix<double>.Build.Dense(2, 2), (m, y) => m + Vector<double>.Build.DenseOfArray(y).OuterProduct(Vector<double>.Build.DenseOfArray(y)));
            var dof = nu + ys.Length;
            return [(w => w[0], post[0, 0] / (dof - 3)), (w => w[1], post[0, 1] / (dof - 3)), (w => w[3], post[1, 1] / (dof - 3))];
        }
        MomentCheck.AssertMatches(r, 5, Moments(1));
        // Negative control: the scatter weighted half again.
        Assert.True(MomentCheck.MaxZ(r, Moments(1.5)) > 5);
    }
}
