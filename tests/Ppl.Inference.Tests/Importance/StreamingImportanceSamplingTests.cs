using Ppl.Inference.Importance;
using Ppl.Inference.Tests.Mcmc.Differentiable;
using Xunit;

namespace Ppl.Inference.Tests.Importance;

/// <summary>
/// Streaming importance sampling on a [Model] (the conjugate normal mean of <see cref="ConjugateNormal"/>): the log
/// evidence and the posterior mean within 5 standard errors of their exact values by conjugacy, results that do not
/// depend on the thread count, a reservoir whose weights are the likelihoods, and prompt cancellation.
/// </summary>
public class StreamingImportanceSamplingTests
{
    private static readonly (double[], double, double, double) Args = (ConjugateNormal.Data, 0.0, 1.0, 1.0);

    private static StreamingImportanceResult<(double[], double, double, double), double> Run(long particles, RunOptions? options = null, int reservoir = 0) =>
        ImportanceSampling.Stream(DifferentiableModels.NormalMeanModel, Args, ConjugateNormal.Observations, particles, new Rng(42),
            new StreamingRequest<(double[], double, double, double), double>
            {
                Means = [new Address("mu")],
                Statistics = [("mu^2", t => Math.Pow(t.Choices.Get<double>("mu"), 2))],
                Reservoir = reservoir,
            }, options);

    [Fact]
    public void Evidence_and_posterior_moments_match_conjugacy_and_ignoring_the_weights_fails()
    {
        var r = Run(40_000);
        var (mean, variance) = ConjugateNormal.Posterior;
        var zLogZ = (r.LogEvidence - ConjugateNormal.LogEvidence) / r.LogEvidenceStandardError;
        var zMean = (r.Mean("mu") - mean) / r.StandardError("mu");
        var zSecond = (r.Mean("mu^2") - (variance + mean * mean)) / r.StandardError("mu^2");
        Assert.True(Math.Abs(zLogZ) < 5, $"log Z {r.LogEvidence} vs {ConjugateNormal.LogEvidence}: z = {zLogZ}");
        Assert.True(Math.Abs(zMean) < 5, $"mean {r.Mean("mu")} vs {mean}: z = {zMean}");
        Assert.True(Math.Abs(zSecond) < 5, $"E mu² {r.Mean("mu^2")} vs {variance + mean * mean}: z = {zSecond}");
        Assert.True(r.EffectiveSampleSize is > 1000 and < 40_000, $"ESS {r.EffectiveSampleSize}");
        // Negative control: the same particles with the weights ignored (prior moments) are far outside 5 standard errors.
        var unweighted = new WeightAccumulator(1);
        var rng = new Rng(7);
        for (var i = 0; i < 40_000; i++)
        {
            var trace = DifferentiableModels.NormalMeanModel.Generate(Args, ConjugateNormal.Observations, rng).Trace;
            unweighted.Add(0, [trace.Choices.Get<double>("mu")]);
        }
        var (wrong, wrongSe) = unweighted.Statistic(0);
        Assert.True(Math.Abs(wrong - mean) / wrongSe > 5, $"the unweighted mean {wrong} passed as the posterior mean {mean}");
    }

    [Fact]
    public void The_result_does_not_depend_on_the_thread_count()
    {
        var parallel = Run(5_000, reservoir: 20);
        var sequential = Run(5_000, new RunOptions { MaxDegreeOfParallelism = 1 }, reservoir: 20);
        Assert.Equal(sequential.LogEvidence, parallel.LogEvidence);
        Assert.Equal(sequential.Means, parallel.Means);
        Assert.Equal(sequential.ReservoirLogWeights, parallel.ReservoirLogWeights);
    }

    [Fact]
    public void The_reservoir_keeps_traces_with_their_likelihood_as_weight()
    {
        var r = Run(3_000, reservoir: 50);
        Assert.Equal(50, r.Reservoir.Count);
        for (var i = 0; i < r.Reservoir.Count; i++)
        {
            var mu = r.Reservoir[i].Choices.Get<double>("mu");
            var logLikelihood = ConjugateNormal.Data.Sum(y => MathNet.Numerics.Distributions.Normal.PDFLn(mu, 1, y));
            Assert.Equal(logLikelihood, r.ReservoirLogWeights[i], 9);
        }
    }

    [Fact]
    public void A_run_of_any_length_cancels_promptly_and_reports_progress()
    {
        using var cts = new CancellationTokenSource();
        var reports = new List<Progress>();
        var progress = new SyncProgress<Progress>(p =>
        {
            lock (reports)
            {
                reports.Add(p);
                if (reports.Count == 3) cts.Cancel();
            }
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(10_000_000_000, new RunOptions { Cancellation = cts.Token, Progress = progress }));
        // Generous bound (the run would take hours): cancellation is checked at every particle.
        Assert.True(watch.Elapsed < TimeSpan.FromMinutes(1), $"cancelling took {watch.Elapsed}");
        Assert.True(reports.Count >= 3);
        Assert.True(reports.Zip(reports.Skip(1)).All(p => p.Second.Done > p.First.Done), "progress went backwards");
    }

    [Fact]
    public void Impossible_observations_are_an_error()
    {
        var e = Assert.Throws<InferenceException>(() => ImportanceSampling.Stream(DifferentiableModels.NormalMeanModel, Args,
            ConjugateNormal.Observations.Set(new Address("y", 0), double.PositiveInfinity), 100, new Rng(1)));
        Assert.Contains("zero", e.Message);
    }
}
