using MathNet.Numerics.LinearAlgebra;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Ppl.Tests.Shared;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.VectorFamilyModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// Models that observe whole vectors (GLMs, independent normals): their differentiable forms against Assess plus the
/// log-Jacobian and finite differences, and NUTS on a conjugate linear regression against its exact posterior.
/// </summary>
public class VectorFamilyFormTests
{
    private static double[][] Design(int n, int d, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray()).ToArray();
    }

    private static void CheckAgainstAssess<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ulong seed, int points = 12) =>
        DifferentiableFormCheck.AgainstAssess(model, args, seed, points);

    [Fact]
    public void Every_vector_family_with_random_parameters_matches_assess_and_finite_differences()
    {
        Assert.Null(M.AllFamiliesModel.DifferentiableFormMissingReason);
        var x = Design(7, 3, 1);
        var rng = new Rng(2);
        var yNormal = x.Select(_ => rng.NextGaussian()).ToArray();
        var yBinary = x.Select(_ => rng.NextDouble() < 0.4).ToArray();
        var counts = x.Select(_ => (int)(rng.NextDouble() * 5)).ToArray();
        var yVector = new[] { 0.3, -1.2, 0.8, 2.0 };
        CheckAgainstAssess(M.AllFamiliesModel, (x, yNormal, yBinary, counts, yVector), 3, points: 16);
        var density = ModelDensity.Create(M.AllFamiliesModel, (x, yNormal, yBinary, counts, yVector), ChoiceMap.Empty);
        Assert.Equal(["alpha", "beta/0", "beta/1", "beta/2", "sigma", "phi"], density.Addresses.Select(a => a.ToString()));
    }

    [Fact]
    public void Data_coefficients_and_locations_match_assess_and_finite_differences()
    {
        Assert.Null(M.DataParametersModel.DifferentiableFormMissingReason);
        var x = Design(6, 2, 4);
        CheckAgainstAssess(M.DataParametersModel, (x, new[] { 0.5, -0.25 }, new[] { 1.0, 0.2, -0.4, 0.9, 1.5, -2.0 }, new[] { 0.1, 0.2 }, new[] { 0.4, -0.7 }), 5);
    }

    [Fact]
    public void A_sampled_vector_family_has_no_form_and_says_why()
    {
        var reason = M.SampledVectorModel.DifferentiableFormMissingReason;
        Assert.NotNull(reason);
        Assert.Contains("IndependentNormal choice", reason);
        Assert.Contains("MvNormal", reason);
    }

    [Fact]
    public void A_design_whose_rows_do_not_match_the_coefficients_is_named_at_initialisation()
    {
        var x = Design(4, 2, 6);
        x[2] = [1.0, 2.0, 3.0];
        var e = Assert.Throws<DistributionParameterException>(() => McmcSampler.Sample(M.RegressionModel, (x, new double[4], 1.0, 1.0), ChoiceMap.Empty,
            new NutsKernel(), new McmcSettings { Chains = 1, Warmup = 10, Draws = 10 }, new Rng(1)));
        Assert.Contains("'y'", e.Message);
        Assert.Contains("x[2] has 3 entries", e.Message);
    }

    [Fact]
    public void Nuts_on_a_glm_model_matches_the_conjugate_regression_posterior()
    {
        const double s0 = 2.0, sigma = 0.8;
        var x = Design(40, 2, 7);
        var rng = new Rng(8);
        var y = x.Select(row => 0.5 + 1.5 * row[0] - 0.7 * row[1] + sigma * rng.NextGaussian()).ToArray();
        (Vector<double> Mean, Matrix<double> Cov) Posterior(double noise)
        {
            // w = (α, β) ~ N(0, s0² I), y = Z w + ε with Z = [1 X]: precision I/s0² + ZᵀZ/σ², mean Σ Zᵀy/σ².
            var z = Matrix<double>.Build.Dense(x.Length, 3, (i, j) => j == 0 ? 1.0 : x[i][j - 1]);
            var precision = Matrix<double>.Build.DenseIdentity(3) / (s0 * s0) + z.TransposeThisAndMultiply(z) / (noise * noise);
            var cov = precision.Inverse();
            return (cov * z.TransposeThisAndMultiply(Vector<double>.Build.DenseOfArray(y)) / (noise * noise), cov);
        }
        var r = McmcSampler.Sample(M.RegressionModel, (x, y, s0, sigma), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 300, Draws = 1000 }, new Rng(9));
        Assert.Equal(["alpha", "beta/0", "beta/1"], r.Names);
        (Func<double[], double>, double)[] Moments((Vector<double> Mean, Matrix<double> Cov) p) =>
            Enumerable.Range(0, 3).SelectMany(k => new (Func<double[], double>, double)[]
            {
                (w => w[k], p.Mean[k]),
                (w => (w[k] - p.Mean[k]) * (w[k] - p.Mean[k]), p.Cov[k, k]),
            }).ToArray();
        MomentCheck.AssertMatches(r, 5, Moments(Posterior(sigma)));
        // Negative control: the posterior with the noise scale wrong by a third is rejected by the same check.
        Assert.True(MomentCheck.MaxZ(r, Moments(Posterior(sigma * 1.5))) > 5);
    }
}
