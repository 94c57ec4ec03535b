using Ppl.Inference.Batched;
using Ppl.Inference.Tests.Smc;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Batched;

/// <summary>
/// Batched SMC on the linear-Gaussian SSM against the Kalman filter: mean Ẑ/Z = 1 within 5 SE (bootstrap,
/// ESS-adaptive, and resample-move with random-walk MH and HMC moves); the negative control (the
/// evidence accumulated only since the last resampling) fails the same test.
/// </summary>
public class BatchedSmcTests(ITestOutputHelper output)
{
    private static readonly double[] Data10 = SmcModels.SimulateLgssm(10, 42);
    private static readonly double[] Data3 = SmcModels.SimulateLgssm(3, 7);

    /// <summary>
    /// Ẑ/Z over <paramref name="runs"/> independent batched SMC runs (mean and SE), and the same for the
    /// negative control that forgets the evidence carried by the weights before each resampling (it keeps
    /// only the increments after the last step at which the ESS fell below the threshold).
    /// </summary>
    internal static (double Mean, double Se, double WrongMean, double WrongSe) EvidenceRatios(BatchedStateSpaceModel model,
        IReadOnlyList<BatchedChoices> obs, double logZ, int runs, int particles, BatchedSmcOptions options, Rng rng)
    {
        var ratios = new double[runs];
        var wrong = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            using var scope = NewDisposeScope();
            var res = BatchedSmc.Run(model, obs, particles, rng, options);
            ratios[r] = Math.Exp(res.LogEvidence - logZ);
            var lastResample = -1;
            for (var t = 0; t < res.EffectiveSampleSizes.Count; t++)
                if (res.EffectiveSampleSizes[t] < options.ResampleThreshold * particles) lastResample = t;
            wrong[r] = Math.Exp(res.LogEvidenceIncrements.Skip(lastResample + 1).Sum() - logZ);
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        return (m, se, wm, wse);
    }

    private (double Mean, double Se, double WrongMean, double WrongSe) Ratios(double[] data, int runs, int particles, BatchedSmcOptions options, int seed)
    {
        BatchedTestModels.Init();
        var (logZ, _, _) = SmcModels.Kalman(data);
        var model = BatchedTestModels.Lgssm();
        var obs = BatchedTestModels.LgssmObservations(data);
        var (m, se, wm, wse) = EvidenceRatios(model, obs, logZ, runs, particles, options, new Rng(seed));
        output.WriteLine($"mean Ẑ/Z = {m:F4} ± {se:F4}; negative control {wm:F4} ± {wse:F4}");
        return (m, se, wm, wse);
    }

    public static IEnumerable<object[]> Variants =>
    [
        ["bootstrap"], ["ess-adaptive"], ["random-walk-move"], ["hmc-move"],
    ];

    private static BatchedSmcOptions Options(string variant) => variant switch
    {
        "bootstrap" => new BatchedSmcOptions(),
        "ess-adaptive" => new BatchedSmcOptions { ResampleThreshold = 0.5 },
        "random-walk-move" => new BatchedSmcOptions { Move = BatchedMove.RandomWalk(0.5) },
        "hmc-move" => new BatchedSmcOptions { ResampleThreshold = 0.5, Move = BatchedMove.Hmc(0.3, 3) },
        _ => throw new ArgumentException(variant),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void LogEvidenceIsUnbiased_N50_T10(string variant)
    {
        // The moves cost a batched step re-run per proposal (and a gradient per leapfrog step): fewer runs.
        var runs = variant.EndsWith("move", StringComparison.Ordinal) ? 40 : 200;
        var (m, se, wm, wse) = Ratios(Data10, runs, 50, Options(variant), 1);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"the negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void LogEvidenceIsUnbiased_N2_T3()
    {
        var (m, se, _, _) = Ratios(Data3, 800, 2, new BatchedSmcOptions(), 2);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
    }

    [Fact]
    public void FilteringMomentsMatchKalman_WithHmcMoves_AndANonInvariantMoveFails()
    {
        BatchedTestModels.Init();
        using var scope = NewDisposeScope();
        var (_, kMean, kVar) = SmcModels.Kalman(Data10);
        var model = BatchedTestModels.Lgssm();
        var obs = BatchedTestModels.LgssmObservations(Data10);
        const int n = 20_000;
        (double Mean, double Var, double Ess, double Accept) Moments(BatchedMove move)
        {
            var r = BatchedSmc.Run(model, obs, n, new Rng(9), new BatchedSmcOptions { Move = move, KeepHistory = true });
            var w = (r.LogWeights - r.LogWeights.logsumexp(0)).exp();
            var m = (w * r.State).sum().item<double>();
            var v = (w * r.State.Minus(m).Squared()).sum().item<double>();
            // The history was resampled along with the state: its last step is the state.
            Assert.Equal(0.0, (r.Choices[new Address(10) / "x"] - r.State).abs().max().item<double>());
            return (m, v, BatchedResampling.EffectiveSampleSize(r.LogWeights), r.MoveAcceptance);
        }
        var (mean, variance, ess, accept) = Moments(BatchedMove.Hmc(0.4, 3));
        output.WriteLine($"HMC move: mean {mean:F4} (Kalman {kMean:F4}), variance {variance:F4} (Kalman {kVar:F4}), ESS {ess:F0}, acceptance {accept:F2}");
        // Resample-move particles are correlated through shared ancestors: use a quarter of N as the ESS.
        var neff = n / 4.0;
        Assert.True(Math.Abs(mean - kMean) < 5 * Math.Sqrt(kVar / neff), "mean");
        Assert.True(Math.Abs(variance - kVar) < 5 * kVar * Math.Sqrt(2 / neff), "variance");
        Assert.InRange(accept, 0.5, 1.0);
        var (bm, bv, _, _) = Moments(new AlwaysAccept());
        output.WriteLine($"always-accept move: mean {bm:F4}, variance {bv:F4}");
        Assert.False(Math.Abs(bv - kVar) < 5 * kVar * Math.Sqrt(2 / neff), "the negative control passed");
    }

    /// <summary>A random walk without the Metropolis test: not invariant, so it inflates the spread.</summary>
    private sealed class AlwaysAccept : BatchedMove
    {
        internal override (Tensor Z, Tensor LogDensity, double Acceptance) Apply(Func<Tensor, Tensor> density, Tensor z, Tensor logDensity, Rng rng)
        {
            using var g = rng.TorchGenerator(z.device);
            var q = z.Plus(randn(z.shape, z.dtype, z.device, generator: g).Times(0.5));
            return (q, density(q), 1);
        }
    }
}
