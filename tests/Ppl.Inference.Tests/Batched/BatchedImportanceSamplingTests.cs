using Ppl.Distributions;
using Ppl.Inference.Batched;
using Ppl.Inference.Importance;
using Ppl.Inference.Tests.Importance;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Inference.Tests.Batched;

public class BatchedImportanceSamplingTests
{
    private readonly ITestOutputHelper _output;

    public BatchedImportanceSamplingTests(ITestOutputHelper output)
    {
        _output = output;
        BatchedTestModels.Init();
    }

    [Fact]
    public void OneSampleCallDrawsForAllParticles_AndScoresAreVectors()
    {
        using var scope = NewDisposeScope();
        var (trace, w) = BatchedTestModels.NormalNormal.Generate(3, BatchedTestModels.NormalNormalObservations(), 1000, new Rng(1));
        Assert.Equal(new long[] { 1000 }, trace.Choices["mu"].shape);
        Assert.Equal(new long[] { 1000 }, w.shape);
        Assert.Equal(new long[] { 1000 }, trace.Score.shape);
        // The weight is the observations' log density, the score adds the prior of mu.
        var mu = trace.Choices["mu"];
        var expected = ConjugateNormal.Data.Select(y => mu.SubtractedFrom(y).Squared().Times(-0.5).Minus(0.91893853320467274)).Aggregate((a, b) => a.Plus(b));
        Assert.True((w - expected).abs().max().item<double>() < 1e-12);
        Assert.True((trace.Score - w - mu.Squared().Times(-0.5).Minus(0.91893853320467274)).abs().max().item<double>() < 1e-12);
    }

    [Fact]
    public void Float32AndAssessAgreeWithGenerate()
    {
        using var scope = NewDisposeScope();
        var obs = BatchedTestModels.NormalNormalObservations(dtype: ScalarType.Float32);
        var (trace, w) = BatchedTestModels.NormalNormal.Generate(3, obs, 64, new Rng(2), CPU, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, trace.Choices["mu"].dtype);
        Assert.Equal(ScalarType.Float32, w.dtype);
        var (lp, _) = BatchedTestModels.NormalNormal.Assess(3, trace.Choices, 64, CPU, ScalarType.Float32);
        Assert.True((lp - trace.Score).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void MissingChoiceInAssessAndBadParametersAreClearErrors()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ModelException>(() => BatchedTestModels.NormalNormal.Assess(3, BatchedTestModels.NormalNormalObservations(), 10));
        Assert.Contains("'mu'", e.Message);
        var bad = BatchedModel.Create<Tensor>("bad", t => t.Sample("x", new TNormal(t.Scalar(0), t.Scalar(-1))));
        var e2 = Assert.Throws<DistributionParameterException>(() => bad.Simulate(Unit.Value, 10, new Rng(1)));
        Assert.Contains("'x'", e2.Message);
        Assert.Contains("sigma", e2.Message);
    }

    [Fact]
    public void EvidenceIsUnbiased_AndSummingInsteadOfAveragingFails()
    {
        var logZ = ConjugateNormal.LogEvidence;
        var rng = new Rng(2024);
        var obs = BatchedTestModels.NormalNormalObservations();
        var ratios = new List<double>();
        var wrong = new List<double>();
        for (var r = 0; r < 500; r++)
        {
            using var scope = NewDisposeScope();
            var s = BatchedImportanceSampling.Run(BatchedTestModels.NormalNormal, 3, obs, 5, rng);
            ratios.Add(Math.Exp(s.LogEvidence - logZ));
            wrong.Add(Math.Exp(s.LogWeights.logsumexp(0).item<double>() - logZ));
        }
        var (m, se) = Smc.SmcModels.MeanAndSe(ratios);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        var (wm, wse) = Smc.SmcModels.MeanAndSe(wrong);
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    /// <summary>A batched run's log weights and the choice at <paramref name="address"/>, as doubles.</summary>
    private static (double[] LogWeights, double[] Values) Particles<TRet>(BatchedWeightedSamples<TRet> s, Address address) =>
        (s.LogWeights.to_type(ScalarType.Float64).data<double>().ToArray(), s.Trace.Choices[address].to_type(ScalarType.Float64).data<double>().ToArray());

    [Fact]
    public void BatchedAndOneByOneGiveTheSamePosterior_WithinFiveSe_OfTheConjugateAnswer()
    {
        using var scope = NewDisposeScope();
        var (mean, variance) = ConjugateNormal.Posterior;
        var batched = BatchedImportanceSampling.Run(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(), 20_000, new Rng(5));
        var one = ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 20_000, new Rng(6));
        var (blw, bmu) = Particles(batched, "mu");
        var olw = one.LogWeights;
        var omu = one.Traces.Select(t => t.Return).ToArray();
        // Every SE below is the delta-method SE of the self-normalised estimate, from the run's own weights.
        var (b, bSe) = ImportanceStats.SelfNormalised(blw, bmu);
        var (o, oSe) = ImportanceStats.SelfNormalised(olw, omu);
        Assert.Equal(batched.MeanScalar("mu"), b, 9);
        Assert.Equal(one.Mean(t => t.Return), o, 9);
        _output.WriteLine($"mean: batched {b:F5} ± {bSe:F5}, one-by-one {o:F5} ± {oSe:F5}, exact {mean:F5}");
        Assert.True(Math.Abs(b - mean) < 5 * bSe, $"batched {b} vs {mean} (SE {bSe})");
        Assert.True(Math.Abs(o - mean) < 5 * oSe, $"one-by-one {o} vs {mean} (SE {oSe})");
        Assert.True(Math.Abs(o - b) < 5 * Math.Sqrt(bSe * bSe + oSe * oSe), $"batched {b} vs one-by-one {o}");
        // The posterior variance: E[(μ − m̂)²] estimated with its own SE.
        var (bv, bvSe) = ImportanceStats.SelfNormalised(blw, bmu.Select(x => (x - b) * (x - b)).ToArray());
        Assert.Equal(batched.VarianceScalar("mu"), bv, 9);
        _output.WriteLine($"variance: batched {bv:F5} ± {bvSe:F5}, exact {variance:F5}");
        Assert.True(Math.Abs(bv - variance) < 5 * bvSe, $"batched variance {bv} vs {variance} (SE {bvSe})");
        // Same ESS regime: both are prior-proposal IS of the same model, and the ESS fraction (E w)²/E w² is exact.
        var exactEss = ConjugateNormal.PriorProposalEssFraction;
        foreach (var (name, lw, ess) in new[] { ("batched", blw, batched.EffectiveSampleSize), ("one-by-one", olw.ToArray(), one.EffectiveSampleSize) })
        {
            var (fraction, fractionSe) = ImportanceStats.EssFraction(lw);
            Assert.Equal(ess / lw.Length, fraction, 9);
            _output.WriteLine($"{name} ESS/N {fraction:F5} ± {fractionSe:F5}, exact {exactEss:F5}");
            Assert.True(Math.Abs(fraction - exactEss) < 5 * fractionSe, $"{name} ESS/N {fraction} vs exact {exactEss} (SE {fractionSe})");
        }
        // Negative control: the unweighted particle mean is the prior mean 0, far from the posterior mean.
        var unweighted = batched.Trace.Choices["mu"].mean().item<double>();
        Assert.True(Math.Abs(unweighted - mean) > 5 * bSe, $"the negative control passed: {unweighted}");
    }

    [Fact]
    public void CurveFittingPosteriorMeanMatchesTheConjugateAnswer()
    {
        using var scope = NewDisposeScope();
        var (xs, ys) = BatchedCurveFit.Data(20, 3);
        var model = BatchedCurveFit.Model(degree: 2);
        var s = BatchedImportanceSampling.Run(model, xs, BatchedCurveFit.Observations(ys), 100_000, new Rng(11));
        var (postMean, _) = BatchedCurveFit.ExactPosterior(xs, ys, degree: 2);
        // Enough ESS for the delta-method SEs to be estimated well (the power of the test, as GradientCheck's SE ≤ tol).
        Assert.True(s.EffectiveSampleSize > 100, $"ESS {s.EffectiveSampleSize}");
        var ses = new double[3];
        for (var j = 0; j <= 2; j++)
        {
            var (lw, w) = Particles(s, new Address("w", j));
            var (est, se) = ImportanceStats.SelfNormalised(lw, w);
            ses[j] = se;
            _output.WriteLine($"w{j}: {est:F5} ± {se:F5}, exact {postMean[j]:F5}");
            Assert.True(Math.Abs(est - postMean[j]) < 5 * se, $"w{j}: {est} vs {postMean[j]} (SE {se})");
        }
        // Negative control: the prior mean (0) is many SE away for the slope.
        Assert.True(Math.Abs(postMean[1]) > 5 * ses[1]);
        // log Ẑ within 5 SE of the exact evidence; the SE (relative SE of the mean weight) from the one-shot run's
        // weights, which is also the SE of the chunked path: the same estimator with the same N.
        var (logZHat, logZSe) = ImportanceStats.LogEvidence(Particles(s, new Address("w", 0)).LogWeights);
        Assert.Equal(s.LogEvidence, logZHat, 9);
        var logZ = BatchedImportanceSampling.LogEvidence(model, xs, BatchedCurveFit.Observations(ys), 100_000, new Rng(12), chunk: 25_000);
        var exact = BatchedCurveFit.ExactLogEvidence(xs, ys, degree: 2);
        _output.WriteLine($"log Z: one-shot {s.LogEvidence:F5}, chunked {logZ:F5}, SE {logZSe:F5}, exact {exact:F5}");
        Assert.True(Math.Abs(logZ - exact) < 5 * logZSe, $"chunked log Z {logZ} vs {exact} (SE {logZSe})");
        Assert.True(Math.Abs(s.LogEvidence - exact) < 5 * logZSe, $"log Z {s.LogEvidence} vs {exact} (SE {logZSe})");
    }
}
