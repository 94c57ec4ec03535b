using Ppl.Distributions;
using Ppl.Inference.Importance;
using Xunit;

namespace Ppl.Inference.Tests.Importance;

public class ImportanceSamplingTests
{
    private static (double Mean, double Se) MeanAndStandardError(IReadOnlyList<double> xs)
    {
        var m = xs.Average();
        var sd = Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1));
        return (m, sd / Math.Sqrt(xs.Count));
    }

    /// <summary>The conjugate model as the dynamic model or as the [Model] written once for the MCMC tests.</summary>
    private static IGenerativeFunction<int, double> ModelOf(string form) =>
        form == "model" ? Mcmc.Differentiable.DifferentiableModels.ConjugateNormalModel : ConjugateNormal.Model;

    public static TheoryData<string> Forms => new() { "dynamic", "model" };

    [Theory]
    [MemberData(nameof(Forms))]
    public void EvidenceEstimateIsUnbiased_AndAnEstimatorThatForgetsToDivideByNFails(string form)
    {
        var logZ = ConjugateNormal.LogEvidence;
        var rng = new Rng(2024);
        var ratios = new List<double>();
        var wrongRatios = new List<double>();
        const int particles = 5;
        for (var r = 0; r < 3000; r++)
        {
            var samples = ImportanceSampling.Run(ModelOf(form), 3, ConjugateNormal.Observations, particles, rng);
            ratios.Add(Math.Exp(samples.LogEvidence - logZ));
            // Negative control: the sum of weights instead of their mean.
            wrongRatios.Add(Math.Exp(MathUtil.LogSumExp(samples.LogWeights.ToArray()) - logZ));
        }
        var (mean, se) = MeanAndStandardError(ratios);
        Assert.True(Math.Abs(mean - 1) <= 5 * se, $"mean Ẑ/Z = {mean}, SE {se}");
        var (wrongMean, wrongSe) = MeanAndStandardError(wrongRatios);
        Assert.True(Math.Abs(wrongMean - 1) > 5 * wrongSe, $"the negative control passed: {wrongMean} ± {wrongSe}");
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void PosteriorMeanMatchesConjugacy(string form)
    {
        var samples = ImportanceSampling.Run(ModelOf(form), 3, ConjugateNormal.Observations, 20_000, new Rng(5));
        var (mean, variance) = ConjugateNormal.Posterior;
        var estimate = samples.Mean(t => t.Return);
        // Self-normalised IS: standard error ≈ sd / sqrt(ESS).
        var se = Math.Sqrt(variance / samples.EffectiveSampleSize);
        Assert.True(Math.Abs(estimate - mean) < 5 * se, $"{estimate} vs {mean} (SE {se})");
        Assert.True(Math.Abs(samples.Variance(t => t.Return) - variance) < 0.1 * variance);
    }

    [Fact]
    public void ACustomProposalGivesUnbiasedEvidenceAndAHigherEss()
    {
        var (mean, variance) = ConjugateNormal.Posterior;
        var proposal = DynamicModel.Create<double, double>("q", (t, m) => t.Sample("mu", new Normal(m, 1.5 * Math.Sqrt(variance))));
        var rng = new Rng(77);
        var ratios = new List<double>();
        double ess = 0;
        for (var r = 0; r < 1000; r++)
        {
            var s = ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, proposal, mean + 0.1, 10, rng);
            ratios.Add(Math.Exp(s.LogEvidence - ConjugateNormal.LogEvidence));
            ess += s.EffectiveSampleSize;
        }
        var (m, se) = MeanAndStandardError(ratios);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m}, SE {se}");
        Assert.True(ess / 1000 > 8, $"mean ESS {ess / 1000}");
    }

    [Fact]
    public void ResultsDependOnlyOnTheSeed_NotOnTheThreadCount()
    {
        var a = ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 200, new Rng(9));
        var b = ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 200, new Rng(9),
            new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.LogWeights, b.LogWeights);
        Assert.Equal(a.LogEvidence, b.LogEvidence);
    }

    [Fact]
    public void AllWeightsZeroIsAClearError()
    {
        var model = DynamicModel.Create("impossible", t =>
        {
            var x = t.Sample("x", new Normal(0, 1));
            t.Observe("flip", new Bernoulli(0), true);
            return x;
        });
        var e = Assert.Throws<InferenceException>(() => ImportanceSampling.Run(model, Unit.Value, ChoiceMap.Empty, 10, new Rng(1)));
        Assert.Contains("All 10 particle weights are zero", e.Message);
    }

    [Fact]
    public void ProgressIsReportedAndCancellationStopsTheRun()
    {
        var reports = new List<Progress>();
        var progress = new SyncProgress<Progress>(p => { lock (reports) reports.Add(p); });
        ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 500, new Rng(1), new RunOptions { Progress = progress });
        Assert.Contains(reports, p => p.Done == 500);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 500, new Rng(1), new RunOptions { Cancellation = cts.Token }));
    }
}
