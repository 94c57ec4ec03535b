using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.DifferentiableModels;

namespace Ppl.Inference.Tests.Results;

/// <summary>
/// The one result type: importance sampling, SMC, MCMC and PMMH on the conjugate [Model] (μ ~ N(0, 1), yᵢ ~ N(μ, 1))
/// convert to a <see cref="Posterior"/> whose means and log evidence are within 5 of their own standard errors of the
/// exact answers, and whose standard errors are the spread of the estimates over independent runs.
/// </summary>
public class PosteriorTests
{
    private static readonly (double Mean, double Variance) Exact = ConjugateNormal.Posterior;

    private static Posterior Importance(ulong seed, int particles = 2000) =>
        ImportanceSampling.Run(M.ConjugateNormalModel, 3, ConjugateNormal.Observations, particles, new Rng(seed)).ToPosterior();

    [Fact]
    public void Importance_sampling_gives_means_and_evidence_within_their_standard_errors()
    {
        var p = Importance(1, 20_000);
        Assert.Equal(["mu"], p.Names.Where(n => n == "mu"));
        var (mean, se) = p.Mean("mu");
        Assert.InRange(mean, Exact.Mean - 5 * se, Exact.Mean + 5 * se);
        Assert.InRange(p.LogEvidence, ConjugateNormal.LogEvidence - 5 * p.LogEvidenceStandardError, ConjugateNormal.LogEvidence + 5 * p.LogEvidenceStandardError);
        // The summary's sd is the posterior's.
        Assert.InRange(p.Summarize()["mu"].StandardDeviation, Math.Sqrt(Exact.Variance) * 0.95, Math.Sqrt(Exact.Variance) * 1.05);
        // Negative control: the prior's mean (0) is far outside the same interval.
        Assert.True(Math.Abs(0 - mean) > 10 * se);
    }

    [Fact]
    public void The_weighted_standard_errors_are_the_spread_of_independent_runs()
    {
        var runs = Enumerable.Range(0, 60).Select(r => Importance((ulong)(100 + r))).ToList();
        var means = runs.Select(p => p.Mean("mu").Mean).ToArray();
        var logZ = runs.Select(p => p.LogEvidence).ToArray();
        // The reported standard errors against the empirical sd over 60 runs (its relative error is about 1/√120 ≈ 9%).
        Assert.InRange(Sd(means) / runs.Average(p => p.Mean("mu").StandardError), 0.7, 1.4);
        Assert.InRange(Sd(logZ) / runs.Average(p => p.LogEvidenceStandardError), 0.7, 1.4);
    }

    [Fact]
    public void Mcmc_chains_give_means_with_their_mcse_and_no_evidence()
    {
        var r = McmcSampler.Sample(M.ConjugateNormalModel, 3, ConjugateNormal.Observations, Kernel.Mh<int, double>(Selection.At("mu")),
            new McmcSettings { Chains = 4, Warmup = 200, Draws = 1000 }, new Rng(2), ["mu"], t => [t.Get<double>("mu")]);
        var p = r.ToPosterior("MH");
        var (mean, mcse) = p.Mean("mu");
        Assert.Equal(r.Summarize()["mu"].Mean, mean, 12);
        Assert.Equal(r.Summarize()["mu"].McseMean, mcse, 12);
        Assert.InRange(mean, Exact.Mean - 5 * mcse, Exact.Mean + 5 * mcse);
        Assert.True(double.IsNaN(p.LogEvidence));
        Assert.Equal(4000, p.Count);
        Assert.All(p.Weights, w => Assert.Equal(1.0 / 4000, w, 15));
    }

    [Fact]
    public void Smc_and_pmmh_results_convert_too()
    {
        var smc = BootstrapSmc.Run(M.ConjugateNormalModel, 3, ConjugateNormal.Observations, 2000, new Rng(3)).ToPosterior();
        var (mean, se) = smc.Mean("mu");
        // A resampled population's delta-method error understates the error; 5 of them is still a meaningful bound here.
        Assert.InRange(mean, Exact.Mean - 5 * se, Exact.Mean + 5 * se);
        Assert.True(double.IsNaN(smc.LogEvidenceStandardError), "one SMC run gives no standard error of log Ẑ");
        Assert.True(double.IsFinite(smc.LogEvidence));

        var pmmh = Pmmh.Model(M.ConjugateNormalModel, 3, ConjugateNormal.Observations, ChoiceMap.Empty.Set("mu", 0.0),
            Pmmh.RandomWalk(new Dictionary<Address, double> { ["mu"] = 1.0 }), 20, 3000, new Rng(4));
        var chain = pmmh.ToPosterior(warmup: 300);
        var (m, mcse) = chain.Mean("mu");
        Assert.Equal(2700, chain.Count);
        Assert.InRange(m, Exact.Mean - 5 * mcse, Exact.Mean + 5 * mcse);
    }

    [Fact]
    public void Bad_requests_name_what_is_wrong()
    {
        var p = Importance(5, 100);
        var e = Assert.Throws<KeyNotFoundException>(() => p.Mean("nu"));
        Assert.Contains("'nu'", e.Message);
        Assert.Contains("mu", e.Message);
        Assert.Throws<ArgumentException>(() => new Posterior("test", ["a"], [[1.0, 2.0]]));
        Assert.Throws<InferenceException>(() => new Posterior("test", ["a"], [[1.0]], [double.NegativeInfinity]));
    }

    private static double Sd(double[] xs)
    {
        var m = xs.Average();
        return Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Length - 1));
    }
}
