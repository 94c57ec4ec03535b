using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Tests.Conformance;

/// <summary>
/// Simulation-based calibration (Talts et al. 2018) of a gradient kernel on a <see cref="ConformanceCase"/>, judged as
/// <c>SbcTests</c> judges: each replicate simulates a data set, runs one chain through <c>McmcSampler.Sample</c> on the
/// [Model], keeps L thinned draws and records the rank of each true value among them (ties broken at random); if the
/// model's differentiable form and the kernel are right, each rank is uniform on {0, …, L}, which a chi-square test on
/// binned ranks checks. Replicates run in parallel from seeds derived from their index, so a run depends on its seed only.
/// </summary>
public static class ConformanceSbc
{
    /// <summary>Per-quantity p-value below which uniformity is rejected (Bonferroni-style over a few quantities per model).</summary>
    public const double Alpha = 1e-3;

    /// <summary>Runs SBC on <paramref name="c"/> at <paramref name="size"/> with the kernels <paramref name="kernel"/> makes (NUTS by default).</summary>
    public static SbcOutcome Run(ConformanceCase c, SbcSize size, ulong seed, Func<IGradientKernel>? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(size);
        if ((size.Draws + 1) % size.Bins != 0) throw new ArgumentException($"{size.Bins} bins do not divide the {size.Draws + 1} ranks.", nameof(size));
        kernel ??= () => new NutsKernel();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var ranks = new int[size.Replicates][];
        var divergences = new int[size.Replicates];
        Parallel.For(0, size.Replicates, i =>
        {
            var rng = new Rng(seed * 1_000_003UL + (ulong)i);
            var problem = c.Simulate(rng);
            var settings = new McmcSettings { Chains = 1, Warmup = size.Warmup, Draws = size.Draws, Thin = size.Thin, Init = c.Init };
            var result = problem.Sample(kernel(), settings, rng.Split());
            divergences[i] = result.Divergences;
            ranks[i] = c.Ranked.Select(name =>
            {
                var k = IndexOf(result, name, c.Name);
                return Rank(problem.Truth[name], result.Draws[0].Select(d => d[k]), rng);
            }).ToArray();
        });
        var tests = c.Ranked.Select((_, k) => Uniformity(ranks.Select(r => r[k]), size)).ToArray();
        return new SbcOutcome(c.Name, c.Ranked, tests.Select(t => t.Chi2).ToArray(), tests.Select(t => t.P).ToArray(), divergences.Sum(), clock.Elapsed)
        {
            Ranks = ranks,
            ReplicateDivergences = divergences,
        };
    }

    /// <summary>The index of draw name <paramref name="name"/>, or an exception listing the names there are.</summary>
    private static int IndexOf(McmcResult result, string name, string model)
    {
        for (var k = 0; k < result.Names.Count; k++)
            if (result.Names[k] == name) return k;
        throw new InvalidOperationException($"The conformance case '{model}' ranks '{name}', which is not a draw name ({string.Join(", ", result.Names)}).");
    }

    private static int Rank(double truth, IEnumerable<double> draws, Rng rng) => Mcmc.SbcRanks.Rank(truth, draws, rng);

    /// <summary>The chi-square statistic and its p-value for ranks in {0, …, L} in <see cref="SbcSize.Bins"/> equal bins.</summary>
    private static (double Chi2, double P) Uniformity(IEnumerable<int> ranks, SbcSize size) => Mcmc.SbcRanks.Uniformity(ranks, size.Draws, size.Bins);
}
