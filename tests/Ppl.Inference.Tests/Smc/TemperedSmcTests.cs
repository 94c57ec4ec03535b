using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>Tempered SMC on the Normal–Normal model: μ ~ N(0, 1), y₁..₅ ~ N(μ, 1); posterior N(Σy/6, 1/6) and Z in closed form.</summary>
public class TemperedSmcTests(ITestOutputHelper output)
{
    private static readonly double[] Ys = { 1.2, 0.4, 2.1, 1.5, 0.9 };
    private const double HalfLog2Pi = 0.9189385332046727;

    private static double LogPrior(double[] x) => -0.5 * x[0] * x[0] - HalfLog2Pi;

    private static double LogLikelihood(double[] x) => Ys.Sum(y => -0.5 * (y - x[0]) * (y - x[0]) - HalfLog2Pi);

    /// <summary>y ~ N(0, I + 11ᵀ): |Σ| = 1 + n and Σ⁻¹ = I − 11ᵀ/(1 + n).</summary>
    private static double ExactLogEvidence()
    {
        var n = Ys.Length;
        var s = Ys.Sum();
        return -n * HalfLog2Pi - 0.5 * Math.Log(1 + n) - 0.5 * (Ys.Sum(y => y * y) - s * s / (1 + n));
    }

    private static readonly TemperedSmcSettings Fixed = new()
    {
        Temperatures = new[] { 0, 0.02, 0.08, 0.2, 0.45, 1.0 },
        ProposalScale = 0.5,
        MoveSteps = 2,
    };

    [Fact]
    public void FixedSchedule_EvidenceIsUnbiased_AndFullLikelihoodIncrementsAreNot()
    {
        var logZ = ExactLogEvidence();
        var rng = new Rng(12);
        var ratios = new double[800];
        var wrong = new double[ratios.Length];
        for (var r = 0; r < ratios.Length; r++)
        {
            var result = TemperedSmc.Run(g => new[] { g.NextGaussian() }, LogPrior, LogLikelihood, 20, rng.Split(), Fixed, new RunOptions { MaxDegreeOfParallelism = 1 });
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            // Negative control: an estimate that keeps only the last stage's increment (weights reset to 1/N, not Ẑ/N, at resampling).
            var last = result.Steps.LastOrDefault(s => s.Resampled);
            wrong[r] = Math.Exp(result.LogEvidence - (last.Step == 0 ? 0 : last.LogEvidence) - logZ);
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        output.WriteLine($"mean Ẑ/Z {m:F4} ± {se:F4}; negative control {wm:F4} ± {wse:F4}");
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void AdaptiveSchedule_RecoversThePosteriorMoments()
    {
        var mean = Ys.Sum() / 6;
        var variance = 1.0 / 6;
        var result = TemperedSmc.Run(g => new[] { g.NextGaussian() }, LogPrior, LogLikelihood, 2000, new Rng(3));
        var m = result.Mean(x => x[0]);
        var v = result.Mean(x => (x[0] - m) * (x[0] - m));
        output.WriteLine(result.Summary());
        output.WriteLine($"posterior mean {m:F4} (exact {mean:F4}), variance {v:F4} (exact {variance:F4}), stages {result.Temperatures.Count - 1}");
        // N = 2000 weighted draws, MH-moved: sd of the mean ≈ √(v/N) ≈ 0.009; allow 5 SE with ESS ≥ N/4.
        Assert.True(Math.Abs(m - mean) <= 5 * Math.Sqrt(variance / 500), $"{m} vs {mean}");
        Assert.True(Math.Abs(v - variance) <= 5 * variance * Math.Sqrt(2.0 / 500), $"{v} vs {variance}");
        Assert.Equal(1.0, result.Temperatures[^1]);
        Assert.True(result.Temperatures.Count > 2);
        Assert.InRange(result.AcceptanceRate, 0.1, 0.95);
        Assert.Throws<ArgumentException>(() => TemperedSmc.Run(g => new[] { g.NextGaussian() }, LogPrior, LogLikelihood, 10, new Rng(1),
            new TemperedSmcSettings { Temperatures = new[] { 0, 0.5, 0.3, 1.0 } }));
    }
}
