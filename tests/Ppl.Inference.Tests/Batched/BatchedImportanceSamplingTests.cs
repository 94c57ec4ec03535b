using Ppl.Distributions;
using Ppl.Inference.Batched;
using Ppl.Inference.Importance;
using Xunit;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Inference.Tests.Batched;

public class BatchedImportanceSamplingTests
{
    public BatchedImportanceSamplingTests() => BatchedTestModels.Init();

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

    [Fact]
    public void BatchedAndOneByOneGiveTheSamePosterior_WithinFiveSe_OfTheConjugateAnswer()
    {
        using var scope = NewDisposeScope();
        var (mean, variance) = ConjugateNormal.Posterior;
        var batched = BatchedImportanceSampling.Run(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(), 20_000, new Rng(5));
        var b = batched.MeanScalar("mu");
        var bSe = Math.Sqrt(variance / batched.EffectiveSampleSize);
        Assert.True(Math.Abs(b - mean) < 5 * bSe, $"batched {b} vs {mean} (SE {bSe})");
        Assert.True(Math.Abs(batched.VarianceScalar("mu") - variance) < 0.1 * variance);
        var one = ImportanceSampling.Run(ConjugateNormal.Model, 3, ConjugateNormal.Observations, 20_000, new Rng(6));
        var o = one.Mean(t => t.Return);
        var oSe = Math.Sqrt(variance / one.EffectiveSampleSize);
        Assert.True(Math.Abs(o - mean) < 5 * oSe, $"one-by-one {o} vs {mean} (SE {oSe})");
        Assert.True(Math.Abs(o - b) < 5 * Math.Sqrt(bSe * bSe + oSe * oSe), $"batched {b} vs one-by-one {o}");
        // Same ESS regime: both are prior-proposal IS of the same model.
        Assert.InRange(batched.EffectiveSampleSize / one.EffectiveSampleSize, 0.9, 1.1);
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
        var (postMean, postCov) = BatchedCurveFit.ExactPosterior(xs, ys, degree: 2);
        Assert.True(s.EffectiveSampleSize > 100, $"ESS {s.EffectiveSampleSize}");
        for (var j = 0; j <= 2; j++)
        {
            var est = s.MeanScalar(new Address("w", j));
            var se = Math.Sqrt(postCov[j, j] / s.EffectiveSampleSize);
            Assert.True(Math.Abs(est - postMean[j]) < 5 * se, $"w{j}: {est} vs {postMean[j]} (SE {se})");
        }
        // Negative control: the prior mean (0) is many SE away for the slope.
        var se1 = Math.Sqrt(postCov[1, 1] / s.EffectiveSampleSize);
        Assert.True(Math.Abs(postMean[1]) > 5 * se1);
        // The chunked evidence-only path agrees with the one-shot estimate.
        var logZ = BatchedImportanceSampling.LogEvidence(model, xs, BatchedCurveFit.Observations(ys), 100_000, new Rng(12), chunk: 25_000);
        var exact = BatchedCurveFit.ExactLogEvidence(xs, ys, degree: 2);
        Assert.True(Math.Abs(logZ - exact) < 0.2, $"log Z {logZ} vs {exact}");
        Assert.True(Math.Abs(s.LogEvidence - exact) < 0.2, $"log Z {s.LogEvidence} vs {exact}");
    }
}
