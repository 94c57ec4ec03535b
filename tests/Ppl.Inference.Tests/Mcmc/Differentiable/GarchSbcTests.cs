using Ppl.Inference.Mcmc;
using Xunit;
using Xunit.Abstractions;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.SbcModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// Simulation-based calibration (Talts et al. 2018) of NUTS on a generated [Model]: the GARCH(1,1)-style
/// <see cref="SbcModels.Garch"/>, whose β₁ ~ Uniform(0, 1 − α₁) has a support that moves with α₁. Each replicate
/// draws (μ, α₀, α₁, β₁) from the prior and a return series from the likelihood with a plain C# simulator
/// (independent of the generated code), runs one short NUTS chain through <c>McmcSampler.Sample(model, …)</c>,
/// keeps <see cref="L"/> thinned draws and records the rank of each true value among them. If the model's
/// differentiable form (bijectors with moving bounds, log-Jacobians, gradients) and NUTS are right, each rank is
/// uniform on {0, …, L}; a chi-square test on binned ranks checks that, for several seeds. A negative control
/// runs the same replicates on <see cref="SbcModels.GarchFrozenBound"/>, where β₁'s bound is frozen at
/// 1 − α₁ of a starting point, and is rejected.
/// </summary>
public class GarchSbcTests(ITestOutputHelper output)
{
    /// <summary>Length of each simulated return series.</summary>
    private const int T = 20;

    /// <summary>The first volatility σ₀ (an argument of the model).</summary>
    private const double Sigma1 = 0.5;

    /// <summary>Thinned draws per replicate (ranks take L + 1 = 10 values).</summary>
    private const int L = 9;

    /// <summary>Rank bins for the chi-square test: one per rank.</summary>
    private const int Bins = 10;

    /// <summary>NUTS warm-up iterations and thinning per replicate (a 4-dimensional posterior: step size and metric adapt quickly).</summary>
    private const int Warmup = 60, Thin = 3;

    /// <summary>
    /// Replicates per SBC run: enough that the frozen bound's β₁ ranks fail at <see cref="Alpha"/> by a wide margin
    /// (with 80, β₁'s ranks gave p ≈ 0.008 only: a calibration run of 80 replicates could not have told the bug apart).
    /// </summary>
    private const int Replicates = 150;

    /// <summary>Per-quantity p-value below which uniformity is rejected (Bonferroni-style over six quantities).</summary>
    private const double Alpha = 1e-3;

    /// <summary>The model's choices, in the order the model visits them (its coordinates).</summary>
    private static readonly string[] Choices = ["mu", "alpha0", "alpha1", "beta1"];

    /// <summary>
    /// The quantities ranked: the choices, the persistence α₁ + β₁ (below 1 under the prior) and the share of its allowed
    /// range that β₁ takes, β₁ / (1 − α₁) (uniform on (0, 1) under the prior, whatever α₁).
    /// </summary>
    private static readonly string[] Names = [.. Choices, "alpha1+beta1", "beta1/(1-alpha1)"];

    /// <summary>The ranked quantities of (μ, α₀, α₁, β₁).</summary>
    private static double[] Quantities(double[] x) => [x[0], x[1], x[2], x[3], x[2] + x[3], x[3] / (1 - x[2])];

    /// <summary>The chi-square statistic and its p-value for ranks in {0, …, L}.</summary>
    private static (double Chi2, double P) Uniformity(IEnumerable<int> ranks)
    {
        var counts = new int[Bins];
        var n = 0;
        foreach (var r in ranks)
        {
            counts[r * Bins / (L + 1)]++;
            n++;
        }
        var expected = (double)n / Bins;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        return (chi2, 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(Bins - 1, chi2));
    }

    /// <summary>The prior predictive by hand: (μ, α₀, α₁, β₁) from the prior, then the series from the recursion.</summary>
    private static (double[] Truth, double[] R) SimulatePrior(Rng rng)
    {
        var mu = rng.NextGaussian();
        var alpha0 = Math.Abs(0.5 * rng.NextGaussian());
        var alpha1 = rng.NextDouble();
        var beta1 = (1 - alpha1) * rng.NextDouble();
        var r = new double[T];
        var sigma = Sigma1;
        for (var t = 0; t < T; t++)
        {
            if (t > 0) sigma = Math.Sqrt(alpha0 + alpha1 * (r[t - 1] - mu) * (r[t - 1] - mu) + beta1 * sigma * sigma);
            r[t] = mu + sigma * rng.NextGaussian();
        }
        return ([mu, alpha0, alpha1, beta1], r);
    }

    /// <summary>
    /// One replicate: ranks of the true quantities (<see cref="Names"/>) among the draws of one NUTS chain on the model (or, with
    /// <paramref name="frozen"/>, on the model whose β₁ bound is 1 − α₁ at a starting point drawn as the sampler draws
    /// its start: α₁ = logistic(u), u uniform in [−2, 2]).
    /// </summary>
    private static int[] Replicate(Rng rng, bool frozen)
    {
        var (truth, r) = SimulatePrior(rng);
        var obs = ChoiceMap.Empty;
        for (var t = 0; t < T; t++) obs = obs.Set(new Address("r", t), r[t]);
        var settings = new McmcSettings { Chains = 1, Warmup = Warmup, Draws = L, Thin = Thin };
        McmcResult result;
        if (frozen)
        {
            var upper = 1 - 1 / (1 + Math.Exp(-(4 * rng.NextDouble() - 2)));
            result = McmcSampler.Sample(M.GarchFrozenBoundModel, (r, Sigma1, upper), obs, new NutsKernel(), settings, rng.Split());
        }
        else
            result = McmcSampler.Sample(M.GarchModel, (r, Sigma1), obs, new NutsKernel(), settings, rng.Split());
        Assert.Equal(Choices, result.Names);
        var truths = Quantities(truth);
        var draws = result.Draws[0].Select(Quantities).ToArray();
        var ranks = new int[Names.Length];
        for (var k = 0; k < Names.Length; k++)
            ranks[k] = draws.Count(d => d[k] < truths[k]);
        return ranks;
    }

    /// <summary>Runs the replicates in parallel, each from a seed derived from its index (results do not depend on scheduling).</summary>
    private (double Chi2, double P)[] Run(string label, ulong seed, bool frozen)
    {
        var ranks = new int[Replicates][];
        Parallel.For(0, Replicates, i => ranks[i] = Replicate(new Rng(seed * 1_000_003UL + (ulong)i), frozen));
        var tests = Names.Select((_, k) => Uniformity(ranks.Select(r => r[k]))).ToArray();
        output.WriteLine($"{label}: " + string.Join(", ", Names.Select((n, k) => $"{n} chi2={tests[k].Chi2:F1} p={tests[k].P:G3}")));
        return tests;
    }

    /// <summary>NUTS on the model from several seeds (each a different set of truths, data and chains): ranks uniform.</summary>
    [Theory]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void NutsOnTheGarchModelIsCalibrated(ulong seed)
    {
        var tests = Run($"GARCH, seed {seed}", seed, frozen: false);
        Assert.All(tests, (t, k) => Assert.True(t.P > Alpha, $"{Names[k]}: chi2 = {t.Chi2}, p = {t.P}"));
    }

    /// <summary>
    /// Negative control: β₁'s bound frozen at 1 − α₁ of a starting point instead of moving with α₁. The replicates have
    /// the truths and data of seed 1's calibration run; only the model the sampler runs on differs. β₁'s ranks are not uniform.
    /// </summary>
    [Fact]
    public void AFrozenSupportBoundIsRejected()
    {
        var tests = Run("GARCH, frozen bound", 1, frozen: true);
        var worst = tests.MinBy(t => t.P);
        Assert.True(worst.P < Alpha, $"{Names[Array.IndexOf(tests, worst)]}: chi2 = {worst.Chi2}, p = {worst.P}");
    }
}
