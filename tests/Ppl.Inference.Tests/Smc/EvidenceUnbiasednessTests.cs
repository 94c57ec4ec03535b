using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// papers.md 1.6 S1/S2: on the linear-Gaussian SSM, mean(Ẑ/Z) = 1 within 4 SE against the Kalman
/// filter (R chosen so the whole set stays well under 90 s; replay makes steps O(k)), for every resampler, for resample-move, and for small N; mean log Ẑ &lt; log Z (Jensen). The
/// negative controls (offspring weight 1/N instead of Z/N, at N = 2 and at N = 100; the mean of the log weights
/// instead of the log of their mean, at N = 100) must fail the same test.
/// </summary>
public class EvidenceUnbiasednessTests(ITestOutputHelper output)
{
    private static readonly double[] Data10 = SmcModels.SimulateLgssm(10, 42);
    private static readonly double[] Data3 = SmcModels.SimulateLgssm(3, 7);

    private static readonly RunOptions OneThread = new() { MaxDegreeOfParallelism = 1 };

    private (double Mean, double Se, double MeanLog) Ratios(double[] data, int runs, Func<Rng, double> logZHat, int seed)
    {
        var (logZ, _, _) = SmcModels.Kalman(data);
        var rng = new Rng(seed);
        var ratios = new double[runs];
        var logs = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            logs[r] = logZHat(rng.Split());
            ratios[r] = Math.Exp(logs[r] - logZ);
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        output.WriteLine($"mean Ẑ/Z = {m:F4} ± {se:F4}; mean log Ẑ − log Z = {logs.Average() - logZ:F4}");
        return (m, se, logs.Average() - logZ);
    }

    public static IEnumerable<object[]> ResamplerNames => Resamplers.All.Select(r => new object[] { r.Name });

    [Theory]
    [MemberData(nameof(ResamplerNames))]
    public void BootstrapSmc_N100_T10(string resampler)
    {
        var r = Resamplers.All.Single(x => x.Name == resampler);
        var model = SmcModels.Lgssm();
        var (m, se, meanLog) = Ratios(Data10, 100, rng => BootstrapSmc.Run(model, Data10, 100, rng, new SmcOptions { Resampler = r }, OneThread).LogEvidence, 1);
        Assert.True(Math.Abs(m - 1) <= 4 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(meanLog < 0);
    }

    [Theory]
    [MemberData(nameof(ResamplerNames))]
    public void BootstrapSmc_N2_T3(string resampler)
    {
        var r = Resamplers.All.Single(x => x.Name == resampler);
        var model = SmcModels.Lgssm();
        var (m, se, meanLog) = Ratios(Data3, 5000, rng => BootstrapSmc.Run(model, Data3, 2, rng, new SmcOptions { Resampler = r }, OneThread).LogEvidence, 2);
        Assert.True(Math.Abs(m - 1) <= 4 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(meanLog < 0);
    }

    [Fact]
    public void EssAdaptiveSmc_N10_T10()
    {
        var model = SmcModels.Lgssm();
        var (m, se, _) = Ratios(Data10, 1000, rng => BootstrapSmc.Run(model, Data10, 10, rng, new SmcOptions { EssThreshold = 0.5 }, OneThread).LogEvidence, 3);
        Assert.True(Math.Abs(m - 1) <= 4 * se, $"mean Ẑ/Z = {m} ± {se}");
    }

    [Fact]
    public void ResampleMove_N2_T3_And_N20_T10()
    {
        var model = SmcModels.Lgssm();
        // Rejuvenate the newest state and the one before it at each pause (pause k follows the draw of x_k).
        Selection Latest(int k) => Selection.At(new Address("x", k), new Address("x", k - 1));
        var (m, se, _) = Ratios(Data3, 4000, rng => ResampleMove.Run(model, Data3, 2, Latest, rng, options: OneThread).LogEvidence, 4);
        Assert.True(Math.Abs(m - 1) <= 4 * se, $"N=2: mean Ẑ/Z = {m} ± {se}");
        var (m2, se2, _) = Ratios(Data10, 100, rng => ResampleMove.Run(model, Data10, 20, Latest, rng, options: OneThread).LogEvidence, 5);
        Assert.True(Math.Abs(m2 - 1) <= 4 * se2, $"N=20: mean Ẑ/Z = {m2} ± {se2}");
    }

    private delegate Population<ITrace<(double[] Args, int Pauses), Paused<double>>> Transform(
        Population<ITrace<(double[] Args, int Pauses), Paused<double>>> population, Rng rng);

    /// <summary>Resampling that forgets the evidence: every offspring weight reset to 1/N instead of Ẑ/N.</summary>
    private static readonly Transform OffspringWeightOneOverN = (p, rng) =>
    {
        var r = p.Resample(Resamplers.Systematic, rng);
        return r.WithLogWeights(Enumerable.Repeat(-Math.Log(r.Count), r.Count).ToArray());
    };

    /// <summary>
    /// Resampling whose offspring weight is the geometric mean of the weights, exp(mean log w), instead of the
    /// arithmetic mean Ẑ/N: log Ẑ accumulates the mean of the log incremental weights, not the log of their mean.
    /// </summary>
    private static readonly Transform MeanOfLogWeights = (p, rng) =>
    {
        var r = p.Resample(Resamplers.Systematic, rng);
        return r.WithLogWeights(Enumerable.Repeat(p.LogWeights.Average(), r.Count).ToArray());
    };

    /// <summary>Bootstrap SMC on the LGSSM with <paramref name="wrong"/> at every pause in place of resampling: log Ẑ.</summary>
    private static double WrongSmc(double[] data, int particles, Transform wrong, Rng rng)
    {
        var paused = new PausingModel<double[], double>(SmcModels.Lgssm()).Function;
        var start = Sequential.Start(paused, data, rng);
        return Population<ITrace<(double[] Args, int Pauses), Paused<double>>>.Spawn(particles, _ => start)
            .Sequentially((p, _, r, _) => wrong(p, r), int.MaxValue, rng, OneThread).LogEvidence;
    }

    [Fact]
    public void NegativeControl_OffspringWeightOneOverN_FailsUnbiasedness()
    {
        var (m, se, _) = Ratios(Data3, 5000, rng => WrongSmc(Data3, 2, OffspringWeightOneOverN, rng), 2);
        Assert.True(Math.Abs(m - 1) > 4 * se, $"the negative control passed: {m} ± {se}");
    }

    /// <summary>
    /// The N = 100, T = 10 test above, with its runs, seed and 4-SE bound, fails for the two wrong estimators: the
    /// evidence forgotten at each resampling, and the mean of the log weights in place of the log of their mean
    /// (biased down by Jensen's inequality at every step).
    /// </summary>
    [Fact]
    public void NegativeControls_N100_T10_FailTheSameTest()
    {
        var (m, se, _) = Ratios(Data10, 100, rng => WrongSmc(Data10, 100, OffspringWeightOneOverN, rng), 1);
        Assert.True(Math.Abs(m - 1) > 4 * se, $"offspring weight 1/N passed: mean Ẑ/Z = {m} ± {se}");
        var (gm, gse, gMeanLog) = Ratios(Data10, 100, rng => WrongSmc(Data10, 100, MeanOfLogWeights, rng), 1);
        Assert.True(Math.Abs(gm - 1) > 4 * gse, $"mean of log weights passed: mean Ẑ/Z = {gm} ± {gse}");
        Assert.True(gMeanLog < 0, "the geometric mean lies below the arithmetic mean");
    }

    [Fact]
    public void UnnormalisedExpectationOfTheLastState_MatchesTheKalmanFilter()
    {
        // S2: E[Σ wᵢ f(x_T,i)] = Z·E_π[f] with f = x_T.
        var model = SmcModels.Lgssm();
        var (logZ, mean, _) = SmcModels.Kalman(Data3);
        var rng = new Rng(8);
        var values = new double[2000];
        for (var r = 0; r < values.Length; r++)
            values[r] = BootstrapSmc.Run(model, Data3, 5, rng.Split(), null, OneThread).Population.WeightedSum(t => t.Return.Return) / Math.Exp(logZ);
        var (m, se) = SmcModels.MeanAndSe(values);
        Assert.True(Math.Abs(m - mean) <= 4 * se, $"{m} ± {se} vs {mean}");
    }

    [Fact]
    public void ResultsDependOnlyOnTheSeed_NotOnTheThreadCount_AndRecordEveryPause()
    {
        var model = SmcModels.Lgssm();
        var a = BootstrapSmc.Run(model, Data10, 300, new Rng(9), new SmcOptions { EssThreshold = 0.5 });
        var b = BootstrapSmc.Run(model, Data10, 300, new Rng(9), new SmcOptions { EssThreshold = 0.5 }, OneThread);
        Assert.Equal(a.Population.LogWeights, b.Population.LogWeights);
        Assert.Equal(a.Returns, b.Returns);
        Assert.Equal(11, a.Steps.Count); // 10 observations, then the run to the end
        Assert.True(a.ResamplingCount is > 0 and < 10);
        Assert.All(a.SurvivingLineages, l => Assert.InRange(l, 1, 300));
        Assert.True(a.SurvivingLineages[0] <= a.SurvivingLineages[^1]);
        Assert.Equal(a.LogEvidence, a.Samples.LogEvidence, 9);
        output.WriteLine(a.Summary());
        Assert.Contains("log evidence", a.Summary());
    }

    /// <summary>
    /// The self-normalised filtering mean of x_T from ESS-adaptive runs (N = 200) against the Kalman mean, within
    /// 5 SE where the SE comes from independent replicates. One run's √(Var/ESS) is no SE for it: the final
    /// ESS ignores the noise that earlier resampling steps add, which is why a single-run bound needed slack.
    /// The estimator's self-normalisation bias is O(1/N), well below the replicates' SE here.
    /// </summary>
    [Fact]
    public void SelfNormalisedFilteringMean_MatchesTheKalmanFilter_WithinFiveReplicateSe()
    {
        var model = SmcModels.Lgssm();
        var (_, mean, _) = SmcModels.Kalman(Data10);
        var rng = new Rng(9);
        var estimates = new double[30];
        var wrong = new double[estimates.Length];
        for (var r = 0; r < estimates.Length; r++)
        {
            var run = BootstrapSmc.Run(model, Data10, 200, rng.Split(), new SmcOptions { EssThreshold = 0.5 }, OneThread);
            estimates[r] = run.Samples.Mean(t => t.Return);
            // Negative control: the unweighted mean of the particles ignores the weights gathered since the last
            // resampling, so it is pulled towards the predictive mean.
            wrong[r] = run.Population.Particles.Average(t => t.Return.Return);
        }
        var (m, se) = SmcModels.MeanAndSe(estimates);
        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        output.WriteLine($"E[x_T | y] = {m:F4} ± {se:F4} over {estimates.Length} runs (unweighted {wm:F4} ± {wse:F4}); Kalman {mean:F4}");
        Assert.True(Math.Abs(m - mean) <= 5 * se, $"{m} ± {se} vs Kalman {mean}");
        Assert.True(Math.Abs(wm - mean) > 5 * wse, $"the negative control passed: {wm} ± {wse} vs Kalman {mean}");
    }

    [Fact]
    public void ProgressIsReported_AndCancellationStopsTheRun()
    {
        var model = SmcModels.Lgssm();
        var reports = new List<Progress>();
        BootstrapSmc.Run(model, Data10, 50, new Rng(1), null, new RunOptions { Progress = new SyncProgress<Progress>(reports.Add) });
        Assert.Equal(11, reports.Count);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => BootstrapSmc.Run(model, Data10, 50, new Rng(1), null, new RunOptions { Cancellation = cts.Token }));
    }

    [Fact]
    public void AllWeightsZeroIsAClearError()
    {
        var model = DynamicModel.Create<double>("impossible", t =>
        {
            var x = t.Sample("x", new Ppl.Distributions.Uniform(0, 1));
            t.Observe("y", new Ppl.Distributions.Uniform(0, 1), 2.0 + x);
            return x;
        });
        var e = Assert.Throws<InferenceException>(() => BootstrapSmc.Run(model, Unit.Value, 10, new Rng(1)));
        Assert.Contains("zero", e.Message);
    }
}
