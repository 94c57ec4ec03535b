using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The typed fast path against the Kalman filter (papers.md 1.6 S1/S2), with the S1 negative control.</summary>
public class StateSpaceSmcTests
{
    private static readonly double[] Data10 = SmcModels.SimulateLgssm(10, 42);
    private static readonly double[] Data3 = SmcModels.SimulateLgssm(3, 7);

    public static IEnumerable<object[]> Cases =>
        from r in Resamplers.All
        from n in new[] { 2, 10, 1000 }
        select new object[] { r.Name, n };

    [Theory]
    [MemberData(nameof(Cases))]
    public void EvidenceIsUnbiased_ForEveryResamplerAndParticleCount(string resampler, int particles)
    {
        var (data, runs) = particles switch { 2 => (Data3, 20000), 10 => (Data10, 4000), _ => (Data10, 100) };
        var smc = new StateSpaceSmcOptions { Resampler = Resamplers.All.Single(r => r.Name == resampler), EssThreshold = 1 };
        var (logZ, _, _) = SmcModels.Kalman(data);
        var rng = new Rng(11);
        var ratios = new double[runs];
        var wrong = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(data), particles, rng.Split(), smc);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            // Negative control: resampling that resets weights to 1/N instead of Ẑ/N keeps only the last increment.
            wrong[r] = Math.Exp(result.Steps[^1].LogEvidence - result.Steps[^2].LogEvidence - logZ);
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        // Jensen (mean log Ẑ < log Z) is visible above the noise only for few particles.
        if (particles <= 10) Assert.True(ratios.Average(Math.Log) < 0, "Jensen: mean log Ẑ < log Z");
        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void EssAdaptive_IsUnbiased_AndResamplesOnlySometimes()
    {
        var (logZ, _, _) = SmcModels.Kalman(Data10);
        var rng = new Rng(5);
        var ratios = new double[4000];
        var events = 0;
        for (var r = 0; r < ratios.Length; r++)
        {
            var result = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 10, rng.Split(), new StateSpaceSmcOptions { EssThreshold = 0.5 });
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            events += result.ResamplingCount;
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.InRange(events, 1, 10 * ratios.Length - 1);
    }

    [Fact]
    public void UnnormalisedSecondMomentOfTheLastState_MatchesTheKalmanFilter()
    {
        // f(x_T) = x_T², whose posterior mean is m² + P from the Kalman filter.
        var (logZ, m0, p0) = SmcModels.Kalman(Data10);
        var mean = m0 * m0 + p0;
        var rng = new Rng(8);
        var values = new double[3000];
        for (var r = 0; r < values.Length; r++)
            values[r] = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 20, rng.Split()).WeightedSum(x => x * x) / Math.Exp(logZ);
        var (m, se) = SmcModels.MeanAndSe(values);
        Assert.True(Math.Abs(m - mean) <= 5 * se, $"{m} ± {se} vs {mean}");
        // Negative control: weights reset to 1/N at resampling (instead of Ẑ/N) scale the sum by the wrong evidence.
        var wrongRng = new Rng(8);
        var wrong = new double[3000];
        for (var r = 0; r < wrong.Length; r++)
        {
            var result = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 20, wrongRng.Split(), new StateSpaceSmcOptions { EssThreshold = 1 });
            var forgotten = result.LogEvidence - (result.Steps[^1].LogEvidence - result.Steps[^2].LogEvidence);
            wrong[r] = result.WeightedSum(x => x * x) * Math.Exp(-forgotten - logZ);
        }
        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        Assert.True(Math.Abs(wm - mean) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void ResultsDependOnlyOnTheSeed_NotOnTheThreadCount_AndTheDelegateModelAgrees()
    {
        var smc = new StateSpaceSmcOptions { ChunkSize = 64 };
        var a = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 1000, new Rng(3), smc);
        var b = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 1000, new Rng(3), smc, new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.LogEvidence, b.LogEvidence);
        Assert.Equal(a.Particles, b.Particles);
        var ys = Data10;
        var delegates = new StateSpaceModel<double>(ys.Length, r => r.NextGaussian(), (_, x, r) => 0.9 * x + r.NextGaussian(),
            (t, x) => -2 * (ys[t - 1] - x) * (ys[t - 1] - x) - 0.2257913526447274);
        var c = StateSpaceSmc.Run<StateSpaceModel<double>, double>(delegates, 1000, new Rng(3), smc);
        Assert.Equal(a.LogEvidence, c.LogEvidence, 12);
    }

    [Fact]
    public void ResultsRecordStepsAncestryAndPaths()
    {
        var result = StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 200, new Rng(4), new StateSpaceSmcOptions { KeepHistory = true });
        Assert.Equal(10, result.Steps.Count);
        Assert.True(result.ResamplingCount is > 0 and <= 10);
        Assert.All(result.SurvivingLineages, l => Assert.InRange(l, 1, 200));
        for (var s = 1; s < 10; s++) Assert.True(result.SurvivingLineages[s - 1] <= result.SurvivingLineages[s]);
        Assert.NotNull(result.Paths);
        Assert.All(result.Paths!, p => Assert.Equal(11, p.Length));
        for (var i = 0; i < 200; i++) Assert.Equal(result.Particles[i], result.Paths![i][^1]);
        Assert.Contains("surviving lineages", result.Summary());
        Assert.Equal(result.Steps[^1].LogEvidence, result.LogEvidence, 12);
    }

    [Fact]
    public void ProgressCancellationAndBadObservationsAreHandled()
    {
        var reports = new List<Progress>();
        var filter = new ParticleFilter<LgssmStruct, double>(new LgssmStruct(Data10), 50, new Rng(1), options: new RunOptions { Progress = new SyncProgress<Progress>(reports.Add) });
        filter.Finish();
        Assert.Equal(10, reports.Count);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => StateSpaceSmc.Run<LgssmStruct, double>(new LgssmStruct(Data10), 50, new Rng(1), null, new RunOptions { Cancellation = cts.Token }));
        var nan = new StateSpaceModel<double>(3, r => r.NextGaussian(), (_, x, r) => x + r.NextGaussian(), (_, _) => double.NaN);
        Assert.Contains("NaN", Assert.Throws<InferenceException>(() => StateSpaceSmc.Run<StateSpaceModel<double>, double>(nan, 10, new Rng(1))).Message);
        var impossible = new StateSpaceModel<double>(3, r => r.NextGaussian(), (_, x, r) => x + r.NextGaussian(), (_, _) => double.NegativeInfinity);
        Assert.Contains("zero", Assert.Throws<InferenceException>(() => StateSpaceSmc.Run<StateSpaceModel<double>, double>(impossible, 10, new Rng(1))).Message);
    }
}
