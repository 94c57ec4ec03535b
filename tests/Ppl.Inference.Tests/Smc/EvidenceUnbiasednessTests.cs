using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// papers.md 1.6 S1/S2: on the linear-Gaussian SSM, mean(Ẑ/Z) = 1 within 4 SE against the Kalman
/// filter (R chosen so the whole set stays well under 90 s; replay makes steps O(k)), for every resampler, for resample-move, and for small N; mean log Ẑ &lt; log Z (Jensen). The
/// negative control (offspring weight 1/N instead of Z/N) must fail the same test.
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

    [Fact]
    public void NegativeControl_OffspringWeightOneOverN_FailsUnbiasedness()
    {
        var model = SmcModels.Lgssm();
        var paused = new PausingModel<double[], double>(model).Function;
        // Resampling that forgets the evidence: every offspring weight reset to 1/N instead of Z/N.
        PopulationTransform<ITrace<(double[] Args, int Pauses), Paused<double>>> wrong = (p, _, rng, _) =>
        {
            var r = p.Resample(Resamplers.Systematic, rng);
            return r.WithLogWeights(Enumerable.Repeat(-Math.Log(r.Count), r.Count).ToArray());
        };
        var (m, se, _) = Ratios(Data3, 5000, rng =>
        {
            var start = Sequential.Start(paused, Data3, rng);
            return Population<ITrace<(double[] Args, int Pauses), Paused<double>>>.Spawn(2, _ => start)
                .Sequentially(wrong, int.MaxValue, rng, OneThread).LogEvidence;
        }, 2);
        Assert.True(Math.Abs(m - 1) > 4 * se, $"the negative control passed: {m} ± {se}");
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
        var (_, mean, variance) = SmcModels.Kalman(Data10);
        var samples = a.Samples;
        Assert.Equal(a.LogEvidence, samples.LogEvidence, 9);
        Assert.True(Math.Abs(samples.Mean(t => t.Return) - mean) < 5 * Math.Sqrt(variance / a.EffectiveSampleSize) + 0.05);
        output.WriteLine(a.Summary());
        Assert.Contains("log evidence", a.Summary());
    }

    [Fact]
    public void ProgressIsReported_AndCancellationStopsTheRun()
    {
        var model = SmcModels.Lgssm();
        var reports = new List<Progress>();
        BootstrapSmc.Run(model, Data10, 50, new Rng(1), null, new RunOptions { Progress = new SyncProgress(reports.Add) });
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

    private sealed class SyncProgress(Action<Progress> report) : IProgress<Progress>
    {
        public void Report(Progress value) => report(value);
    }
}
