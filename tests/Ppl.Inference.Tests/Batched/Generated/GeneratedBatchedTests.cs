using Ppl.Inference.Batched;
using Ppl.Inference.Tests.Smc;
using Xunit;
using static TorchSharp.torch;
using M = Ppl.Inference.Tests.Batched.Generated.GeneratedBatchedModels;

namespace Ppl.Inference.Tests.Batched.Generated;

/// <summary>
/// The generator's batched forms of scalar [Model] methods: the batched Assess of N scalar traces equals the
/// scalar generated function's score of each, site by site; batched importance sampling on them matches the
/// exact log evidence (conjugacy or enumeration) within 5 standard errors, and a wrong answer does not.
/// </summary>
public class GeneratedBatchedTests
{
    public GeneratedBatchedTests() => set_num_threads(1);

    /// <summary>
    /// The choices of scalar traces as [N] tensors; an address a trace lacks (a branch it did not take) gets
    /// <paramref name="fill"/>, which the batched form scores under a mask that excludes that particle.
    /// </summary>
    private static BatchedChoices Stack(IReadOnlyList<ChoiceMap> maps, double fill = 0.5)
    {
        var addresses = new List<Address>();
        foreach (var m in maps)
            foreach (var (a, _) in m.Leaves)
                if (!addresses.Contains(a)) addresses.Add(a);
        var c = new BatchedChoices();
        foreach (var a in addresses)
        {
            var values = maps.Select(m => m.Leaves.Where(l => l.Item1.Equals(a)).Select(l => ToDouble(l.Item2)).DefaultIfEmpty(fill).First()).ToArray();
            c.Set(a, tensor(values, ScalarType.Float64));
        }
        return c;
    }

    private static double ToDouble(object v) => v switch
    {
        double d => d,
        int i => i,
        bool b => b ? 1 : 0,
        _ => throw new ArgumentException($"Unexpected choice value {v}."),
    };

    private static void AssessMatches<TArgs, TRet, TBRet>(IGenerativeFunction<TArgs, TRet> scalar, Ppl.Inference.Batched.BatchedModel<TArgs, TBRet> batched, TArgs args, int seed)
    {
        using var scope = NewDisposeScope();
        const int n = 40;
        var rng = new Rng(seed);
        var traces = Enumerable.Range(0, n).Select(_ => scalar.Simulate(args, rng)).ToList();
        var (lp, _) = batched.Assess(args, Stack(traces.Select(t => t.Choices).ToList()), n);
        var got = lp.data<double>().ToArray();
        for (var i = 0; i < n; i++)
        {
            var expected = scalar.Assess(args, traces[i].Choices).Weight;
            Assert.True(Math.Abs(got[i] - expected) <= 1e-9 * (1 + Math.Abs(expected)), $"particle {i}: batched {got[i]}, scalar {expected}");
        }
    }

    [Fact]
    public void BatchedAssessEqualsScalarAssess_ForEveryModelOfTheSuite()
    {
        AssessMatches(M.LineModel, M.LineBatched, 0.8, 1);
        AssessMatches(M.CurveFitModel, M.CurveFitBatched, (new[] { -1.0, -0.3, 0.2, 0.9 }, 2), 2);
        AssessMatches(M.TransformsModel, M.TransformsBatched, new[] { 0.3, -0.5, 1.2 }, 3);
        AssessMatches(M.BranchModel, M.BranchBatched, 0.7, 4);
        AssessMatches(M.SameAddressModel, M.SameAddressBatched, 1.1, 5);
        AssessMatches(M.HierarchicalModel, M.HierarchicalBatched, new[] { 0.5, 1.5, -0.2 }, 6);
        AssessMatches(M.DiscreteModel, M.DiscreteBatched, 4, 7);
        AssessMatches(M.FamiliesModel, M.FamiliesBatched, 3.0, 8);
        AssessMatches(M.NormalNormalModel, M.NormalNormalBatched, 1.0, 9);
        AssessMatches(M.NormalGuideModel, M.NormalGuideBatched, (0.5, 2.0), 10);
    }

    [Fact]
    public void Float32BatchedAssessAgreesWithTheScalarOneToFloatPrecision()
    {
        using var scope = NewDisposeScope();
        var rng = new Rng(13);
        var traces = Enumerable.Range(0, 16).Select(_ => M.SameAddressModel.Simulate(1.1, rng)).ToList();
        var stacked = Stack(traces.Select(t => t.Choices).ToList());
        var f32 = new BatchedChoices();
        foreach (var a in stacked.Addresses) f32.Set(a, stacked[a].to_type(ScalarType.Float32));
        var (lp, _) = M.SameAddressBatched.Assess(1.1, f32, 16, CPU, ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, lp.dtype);
        var got = lp.to_type(ScalarType.Float64).data<double>().ToArray();
        for (var i = 0; i < 16; i++) Assert.True(Math.Abs(got[i] - traces[i].Score) < 1e-4 * (1 + Math.Abs(traces[i].Score)), $"particle {i}: {got[i]} vs {traces[i].Score}");
    }

    [Fact]
    public void BatchedAssessOfTracesWithAWrongValueDiffers_NegativeControl()
    {
        using var scope = NewDisposeScope();
        var rng = new Rng(11);
        var traces = Enumerable.Range(0, 8).Select(_ => M.BranchModel.Simulate(0.7, rng)).ToList();
        var stacked = Stack(traces.Select(t => t.Choices).ToList());
        // Swapping the branch indicator must change the score of every particle (the masks pick the other branch).
        stacked.Set("z", stacked["z"].SubtractedFrom(1));
        var (lp, _) = M.BranchBatched.Assess(0.7, stacked, 8);
        var got = lp.data<double>().ToArray();
        for (var i = 0; i < 8; i++) Assert.True(Math.Abs(got[i] - traces[i].Score) > 1e-3);
    }

    [Fact]
    public void ReturnValuesAreTheScalarOnesPerParticle()
    {
        using var scope = NewDisposeScope();
        var rng = new Rng(12);
        var traces = Enumerable.Range(0, 16).Select(_ => M.TransformsModel.Simulate(new[] { 0.1 }, rng)).ToList();
        var (_, ret) = M.TransformsBatched.Assess(new[] { 0.1 }, Stack(traces.Select(t => t.Choices).ToList()), 16);
        var got = ret.data<double>().ToArray();
        for (var i = 0; i < 16; i++) Assert.Equal(traces[i].Return, got[i], 9);
    }

    /// <summary>IS log evidence within 5 SE of the exact value; the SE from the weights (delta method on the mean weight).</summary>
    private static (double Estimate, double Se) Evidence<TArgs, TRet>(Ppl.Inference.Batched.BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices obs, int n, int seed)
    {
        using var scope = NewDisposeScope();
        var (_, w) = model.Generate(args, obs, n, new Rng(seed));
        var lw = w.data<double>().ToArray();
        var max = lw.Max();
        var ws = lw.Select(x => Math.Exp(x - max)).ToArray();
        var mean = ws.Average();
        var sd = Math.Sqrt(ws.Select(x => (x - mean) * (x - mean)).Sum() / (n - 1));
        return (Math.Log(mean) + max, sd / mean / Math.Sqrt(n));
    }

    private static double LogNormalPdf(double x, double mu, double var) => -0.5 * Math.Log(2 * Math.PI * var) - 0.5 * (x - mu) * (x - mu) / var;

    [Fact]
    public void BranchEvidence_MatchesEnumerationOverTheBranch_AndAWrongMixtureWeightFails()
    {
        const double y = 0.7;
        var exact = Math.Log(0.3 * Math.Exp(LogNormalPdf(y, 2, 2)) + 0.7 * Math.Exp(LogNormalPdf(y, -2, 2)));
        var wrong = Math.Log(0.5 * Math.Exp(LogNormalPdf(y, 2, 2)) + 0.5 * Math.Exp(LogNormalPdf(y, -2, 2)));
        var (est, se) = Evidence(M.BranchBatched, y, new BatchedChoices(), 20000, 21);
        Assert.True(Math.Abs(est - exact) < 5 * se, $"estimate {est} ± {se}, exact {exact}");
        Assert.True(Math.Abs(est - wrong) > 5 * se, $"estimate {est} ± {se} does not reject the wrong answer {wrong}");
    }

    [Fact]
    public void HierarchicalEvidence_MatchesTheConjugateAnswer_AndDroppingTheSharedMeanFails()
    {
        var ys = new[] { 0.5, 1.5, -0.2 };
        // y ~ N(0, 2 I + 1 1ᵀ): the shared mean couples the groups.
        var exact = LogMvnEqualCorrelation(ys, 2, 1);
        var wrong = LogMvnEqualCorrelation(ys, 2, 0);
        var (est, se) = Evidence(M.HierarchicalBatched, ys, new BatchedChoices(), 20000, 22);
        Assert.True(Math.Abs(est - exact) < 5 * se, $"estimate {est} ± {se}, exact {exact}");
        Assert.True(Math.Abs(est - wrong) > 5 * se, $"estimate {est} ± {se} does not reject the wrong answer {wrong}");
    }

    /// <summary>log N(y; 0, d I + c 1 1ᵀ) by the matrix determinant lemma and Sherman–Morrison.</summary>
    private static double LogMvnEqualCorrelation(double[] y, double d, double c)
    {
        var n = y.Length;
        var sum = y.Sum();
        var sq = y.Sum(v => v * v);
        var quad = sq / d - c * sum * sum / (d * (d + n * c));
        var logDet = n * Math.Log(d) + Math.Log(1 + n * c / d);
        return -0.5 * (n * Math.Log(2 * Math.PI) + logDet + quad);
    }

    [Fact]
    public void DiscreteEvidence_MatchesEnumeration_AndAWrongRateFails()
    {
        const int observed = 4;
        double LogPoisson(int k, double rate) => k * Math.Log(rate) - rate - Enumerable.Range(1, k).Sum(i => Math.Log(i));
        double Exact(double shift)
        {
            var terms = new List<double>();
            for (var k = 0; k < 80; k++)
                foreach (var (flag, pf) in new[] { (true, 0.4), (false, 0.6) })
                    terms.Add(LogPoisson(k, 3.0) + Math.Log(pf) + LogPoisson(observed, k + (flag ? 2.0 : 0.5) + shift));
            var m = terms.Max();
            return m + Math.Log(terms.Sum(t => Math.Exp(t - m)));
        }
        var (est, se) = Evidence(M.DiscreteBatched, observed, new BatchedChoices(), 20000, 23);
        Assert.True(Math.Abs(est - Exact(0)) < 5 * se, $"estimate {est} ± {se}, exact {Exact(0)}");
        Assert.True(Math.Abs(est - Exact(1.5)) > 5 * se, $"estimate {est} ± {se} does not reject the wrong answer {Exact(1.5)}");
    }

    [Fact]
    public void CurveFitEvidence_MatchesTheConjugateAnswer_WithObservationsAsConstraints()
    {
        var (xs, ys) = BatchedCurveFit.Data(8, 31);
        var exact = BatchedCurveFit.ExactLogEvidence(xs, ys, 2);
        var (est, se) = Evidence(M.CurveFitBatched, (xs, 2), BatchedCurveFit.Observations(ys), 50000, 24);
        Assert.True(Math.Abs(est - exact) < 5 * se, $"estimate {est} ± {se}, exact {exact}");
        // Negative control: the evidence of a degree-1 fit is a different number the estimate must reject.
        var wrong = BatchedCurveFit.ExactLogEvidence(xs, ys, 1);
        Assert.True(Math.Abs(est - wrong) > 5 * se, $"estimate {est} ± {se} does not reject the wrong answer {wrong}");
    }

    [Fact]
    public void ManyChainHmcOnTheGeneratedHierarchicalModel_FindsTheConjugatePosteriorMean_AndNotTheDataMean()
    {
        using var scope = NewDisposeScope();
        var ys = new[] { 0.5, 1.5, -0.2 };
        // mu | y ~ N((Σy/2) / (1 + G/2), 1 / (1 + G/2)) once the thetas are integrated out (y_g | mu ~ N(mu, 2)).
        var precision = 1 + ys.Length / 2.0;
        var exact = ys.Sum() / 2 / precision;
        var latents = new (Address, long[])[] { ("mu", Array.Empty<long>()), (new Address("theta", 0), Array.Empty<long>()),
            (new Address("theta", 1), Array.Empty<long>()), (new Address("theta", 2), Array.Empty<long>()) };
        var density = BatchedDensity.FromModel(M.HierarchicalBatched, ys, new BatchedChoices(), latents);
        const int chains = 32;
        var result = ManyChainHmc.Sample(density, zeros(chains, 4, ScalarType.Float64),
            new ManyChainHmcSettings { Warmup = 60, Draws = 30, MaxLeapfrogSteps = 16 }, new Rng(41));
        // Chains are independent: the spread of their means gives the standard error of the pooled mean.
        var chainMeans = Enumerable.Range(0, chains).Select(c => result.Draws.Average(d => d[c][0])).ToArray();
        var mean = chainMeans.Average();
        var se = Math.Sqrt(chainMeans.Sum(m => (m - mean) * (m - mean)) / (chains - 1) / chains);
        Assert.True(Math.Abs(mean - exact) < 5 * se, $"mean {mean} ± {se}, exact {exact}");
        var dataMean = ys.Average();
        Assert.True(Math.Abs(mean - dataMean) > 5 * se, $"mean {mean} ± {se} does not reject the data mean {dataMean}");
    }

    [Fact]
    public void ElboWithAGeneratedGuide_IsTheEvidenceForTheExactPosterior_AndFallsByTheKlForAWrongOne()
    {
        using var scope = NewDisposeScope();
        const double y = 1.0;
        var logZ = LogNormalPdf(y, 0, 2);
        var exact = BatchedVariational.Elbo(M.NormalNormalBatched, y, new BatchedChoices(), M.NormalGuideBatched, (0.5, Math.Sqrt(0.5)), 4000, new Rng(51));
        // With q = p(mu | y) the log ratio is log Z for every particle.
        Assert.True(exact.PerParticle.Minus(logZ).abs().max().item<double>() < 1e-9);
        var shifted = BatchedVariational.Elbo(M.NormalNormalBatched, y, new BatchedChoices(), M.NormalGuideBatched, (0.0, Math.Sqrt(0.5)), 4000, new Rng(52));
        var r = shifted.PerParticle.data<double>().ToArray();
        var se = Math.Sqrt(r.Select(v => (v - r.Average()) * (v - r.Average())).Sum() / (r.Length - 1) / r.Length);
        // KL(N(0, 1/2) || N(1/2, 1/2)) = (1/2)² / (2 · 1/2) = 1/4.
        Assert.True(Math.Abs(r.Average() - (logZ - 0.25)) < 5 * se, $"ELBO {r.Average()} ± {se}, expected {logZ - 0.25}");
        Assert.True(Math.Abs(r.Average() - logZ) > 5 * se, "the wrong guide's ELBO must fall below log Z");
    }

    [Fact]
    public void BatchedSmcOnGeneratedInitAndStepPrograms_IsUnbiasedAgainstKalman_AndTheForgetfulEstimatorIsNot()
    {
        var data = SmcModels.SimulateLgssm(10, 42);
        var (logZ, _, _) = SmcModels.Kalman(data);
        // The step's double argument (the previous state) is a per-particle tensor in LgssmStepBatchedBody.
        var model = new BatchedStateSpaceModel("lgssm-generated", bt => M.LgssmInitBatchedBody(bt), (bt, t, prev) => M.LgssmStepBatchedBody(bt, t, prev));
        var obs = data.Select(y => new BatchedChoices().Set("y", y)).ToList();
        var options = new BatchedSmcOptions { ResampleThreshold = 0.5 };
        var (m, se, wm, wse) = BatchedSmcTests.EvidenceRatios(model, obs, logZ, runs: 150, particles: 50, options, new Rng(61));
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"the negative control passed: {wm} ± {wse}");
    }
}
