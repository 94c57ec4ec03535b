using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Proposal;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

[Collection(nameof(TorchGlobalStateCollection))]
public class DistributionTransformerTests(TinyGmmDt tiny, ITestOutputHelper output) : IClassFixture<TinyGmmDt>
{
    static DistributionTransformerTests() => set_num_threads(1);

    private static (double Mean, double Se) MeanSe(double[] xs)
    {
        var m = xs.Average();
        return (m, Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Length - 1) / xs.Length));
    }

    /// <summary>A float64 network whose zero-initialised projections are perturbed, so every path carries signal.</summary>
    private static DistributionTransformer Perturbed(DtConfig config)
    {
        // Built in float64 (the default dtype while constructing) so the symmetry holds to rounding of doubles.
        var old = get_default_dtype();
        set_default_dtype(ScalarType.Float64);
        DistributionTransformer m;
        try { m = new DistributionTransformer(config, seed: 5); }
        finally { set_default_dtype(old); }
        manual_seed(6);
        using (no_grad())
            foreach (var p in m.parameters()) p.AddInPlace(randn_like(p).Times(0.3));
        return m;
    }

    [Fact]
    public void OutputIsEquivariantInComponentsAndInvariantInObservations()
    {
        var config = new DtConfig { StateDimension = 2, ModelDimension = 16, Heads = 4, Layers = 2, FeedForward = 32, ObservationDimensions = [2, 1] };
        var model = Perturbed(config);
        manual_seed(7);
        var prior = new GmmTensors(randn(3, 4, dtype: ScalarType.Float64).log_softmax(-1), randn(3, 4, 2, dtype: ScalarType.Float64),
            CholeskyFeatures.Decode(randn(3, 4, 3, dtype: ScalarType.Float64).Times(0.3), 2));
        var z1 = randn(3, 5, 2, dtype: ScalarType.Float64);
        var z2 = randn(3, 2, 1, dtype: ScalarType.Float64);
        using var ng = no_grad();
        var baseOut = model.Forward(DtPrior.FromMixture(prior), [z1, z2]).Posterior;
        long[] perm = [2, 0, 3, 1];
        var permOut = model.Forward(DtPrior.FromMixture(prior.PermuteComponents(perm)), [z1, z2]).Posterior;
        var expected = baseOut.PermuteComponents(perm);
        Assert.True((permOut.Means - expected.Means).abs().max().item<double>() < 1e-5);
        Assert.True((permOut.LogWeights - expected.LogWeights).abs().max().item<double>() < 1e-5);
        Assert.True((permOut.ScaleTrils - expected.ScaleTrils).abs().max().item<double>() < 1e-5);
        var obsPerm = tensor(new long[] { 4, 1, 3, 0, 2 });
        var shuffled = model.Forward(DtPrior.FromMixture(prior), [z1.index_select(1, obsPerm), z2.flip(1)]).Posterior;
        Assert.True((shuffled.Means - baseOut.Means).abs().max().item<double>() < 1e-5);
        Assert.True((shuffled.LogWeights - baseOut.LogWeights).abs().max().item<double>() < 1e-5);
        Assert.True((shuffled.ScaleTrils - baseOut.ScaleTrils).abs().max().item<double>() < 1e-5);
        // Negative control: changing one observation changes the output.
        var changed = z1.clone();
        changed[0, 0, 0] = 3.0;
        Assert.True((model.Forward(DtPrior.FromMixture(prior), [changed, z2]).Posterior.Means - baseOut.Means).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void FreshNetworkHasZeroOutputProjectionsAndPositiveDefiniteOutputs()
    {
        var model = new DistributionTransformer(new DtConfig { StateDimension = 3, ModelDimension = 16, Heads = 2, Layers = 2, FeedForward = 32 });
        var zeroed = model.named_parameters().Where(p => p.name.Contains("selfAttention.output") || p.name.Contains("ffOut")).ToList();
        Assert.Equal(8, zeroed.Count);
        Assert.All(zeroed, p => Assert.Equal(0.0, p.parameter.abs().max().item<float>()));
        // Even for wild raw features, the decoded factors have a positive diagonal.
        var l = CholeskyFeatures.Decode(randn(100, 6).Times(50), 3);
        Assert.True(l.diagonal(0, -2, -1).Gt(0).all().item<bool>());
        Assert.Equal(0.0, l.triu(1).abs().max().item<float>());
    }

    [Fact]
    public void SaveAndLoadReproduceTheOutputs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dt-{Guid.NewGuid():N}.bin");
        try
        {
            var model = tiny.Model;
            model.Save(path);
            var loaded = DistributionTransformer.Load(path);
            var batch = MetaModels.Gmm1D(2).Simulate(16, new Rng(3));
            using var ng = no_grad();
            var a = model.Forward(batch.Prior, batch.Observations).Posterior;
            var b = loaded.Forward(batch.Prior, batch.Observations).Posterior;
            Assert.Equal(0.0, (a.Means - b.Means).abs().max().item<float>());
            Assert.Equal(0.0, (a.LogWeights - b.LogWeights).abs().max().item<float>());
        }
        finally
        {
            foreach (var f in new[] { path, path + ".json" }) if (File.Exists(f)) File.Delete(f);
        }
    }

    /// <summary>Held-out problems with two observations, their exact posteriors and joint draws (x, z).</summary>
    private static (MetaBatch Batch, GmmTensors Dt, TorchSharp.Modules.Parameter? _, Ppl.Distributions.Tensors.Gmm Exact) HeldOut(DistributionTransformer model, int n, int problems, int seed)
    {
        var batch = MetaModels.Gmm1D(n).Simulate(problems, new Rng(seed));
        var prior = ((DtPrior.Mixture)batch.Prior).Value.ToGmm();
        var exact = GmmKalman.Update(prior, MetaModels.Likelihood, batch.Observations[0].to_type(ScalarType.Float64)).Posterior;
        using var ng = no_grad();
        var dt = model.Forward(batch.Prior, batch.Observations).Posterior;
        return (batch, dt, null, exact);
    }

    /// <summary>Per problem, the Monte Carlo KL(p ‖ q) = mean over <paramref name="xs"/> (drawn from p) of log p − log q.</summary>
    private static double[] KlPerProblem(Tensor logP, Tensor logQ) => (logP - logQ).mean([0]).to_type(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void LossIdentity_DtNllMinusExactNllIsTheKl_AndNonNegative()
    {
        var (batch, dt, _, exact) = HeldOut(tiny.Model, 2, 2000, 101);
        var x = batch.Latent.to_type(ScalarType.Float64);
        var q = GmmTensors.From(dt.ToGmm());
        // Paired per-problem differences −log q(x) + log p(x | z) for (x, z) from the joint.
        var diff = (exact.LogProb(x) - q.LogProb(x)).data<double>().ToArray();
        var (mean, se) = MeanSe(diff);
        // E[KL] by the direct route: 2000 draws from each exact posterior.
        var xs = exact.Sample(new Rng(5), new long[] { 2000 });
        var kl = KlPerProblem(exact.LogProb(xs), q.LogProb(xs));
        var (klMean, klSe) = MeanSe(kl);
        Assert.True(mean > -4 * se, $"E[NLL(DT) − NLL(exact)] = {mean} ± {se} is negative");
        Assert.True(Math.Abs(mean - klMean) < 4 * Math.Sqrt(se * se + klSe * klSe), $"NLL gap {mean} ± {se} vs KL {klMean} ± {klSe}");
        // The trained network beats the prior as an answer (what the loss teaches it): per problem, on the same
        // draws, KL(exact ‖ DT) − KL(exact ‖ prior) is negative on average by more than 5 SE.
        var priorKl = KlPerProblem(exact.LogProb(xs), ((DtPrior.Mixture)batch.Prior).Value.ToGmm().LogProb(xs));
        var (priorMean, priorSe) = MeanSe(priorKl);
        var (gain, gainSe) = MeanSe(kl.Zip(priorKl, (a, b) => a - b).ToArray());
        output.WriteLine($"KL(exact ‖ DT) {klMean:F4} ± {klSe:F4}; KL(exact ‖ prior) {priorMean:F4} ± {priorSe:F4}; paired difference {gain:F4} ± {gainSe:F4}");
        Assert.True(gain < -5 * gainSe, $"DT KL {klMean} ± {klSe} vs prior KL {priorMean} ± {priorSe}: difference {gain} ± {gainSe}");
    }

    [Fact]
    public void PriorReconstructionAndNoObservationPosteriorAreCloseToThePrior()
    {
        var batch = MetaModels.Gmm1D(0).Simulate(500, new Rng(202));
        var prior = ((DtPrior.Mixture)batch.Prior).Value.ToGmm();
        using var ng = no_grad();
        var forward = tiny.Model.Forward(batch.Prior, batch.Observations);
        var xs = prior.Sample(new Rng(7), new long[] { 2000 });
        var logP = prior.LogProb(xs);
        double[] Kl(GmmTensors q) => KlPerProblem(logP, GmmTensors.From(q.ToGmm()).LogProb(xs));
        // With no observation the exact answer is the prior itself (KL 0). The reference for a network that must
        // encode a mixture prior and decode it again: the best single Gaussian (moment matching), per problem.
        var moment = KlPerProblem(logP, prior.MomentMatch().LogProb(xs));
        var (klMoment, klMomentSe) = MeanSe(moment);
        // The reference itself: the priors are far enough from Gaussian that matching the Gaussian is a real bar.
        Assert.True(klMoment > 5 * klMomentSe, $"moment-matched Gaussian KL {klMoment} ± {klMomentSe}: the priors are nearly Gaussian");
        foreach (var (name, q) in new[] { ("reconstruction", forward.PriorReconstruction), ("no-observation posterior", forward.Posterior) })
        {
            var kl = Kl(q);
            var (klMean, klSe) = MeanSe(kl);
            var (gain, gainSe) = MeanSe(kl.Zip(moment, (a, b) => a - b).ToArray());
            output.WriteLine($"{name}: KL {klMean:F4} ± {klSe:F4}; moment-matched Gaussian {klMoment:F4} ± {klMomentSe:F4}; paired difference {gain:F4} ± {gainSe:F4}");
            Assert.True(gain < -5 * gainSe, $"{name} KL {klMean} ± {klSe} does not beat the moment-matched Gaussian's {klMoment} ± {klMomentSe} (difference {gain} ± {gainSe})");
        }
    }

    [Fact]
    public void DtProposalGivesAnUnbiasedEvidence_AndDroppingTheJacobianDoesNot()
    {
        // A tiny DT for the inverse-gamma model, trained from the Ppl meta-model for a few seconds.
        var config = new DtConfig { ObservationScaling = ObservationScaling.Asinh, PriorParameterCount = 2, Components = 3, ModelDimension = 16, Heads = 2, Layers = 1, FeedForward = 32 };
        var model = new DistributionTransformer(config, SampleSpaceTransform.Log, seed: 2);
        DtTrainer.Train(model, new ModelMetaModel(MetaModels.InverseGamma(5)), new DtTrainingOptions { Steps = 150, BatchSize = 64, LearningRate = 3e-3, WarmupSteps = 10 }, new Rng(21));
        var priorParams = tensor(new[] { 2.0, 1.0 }).reshape(1, 2);
        var z = tensor(new[] { 0.5, -1.1, 0.3, 0.9, -0.2 }).reshape(1, 5, 1);
        var q = model.Posterior(DtPrior.FromParameters(priorParams), z.to_type(ScalarType.Float32));
        var ig = new Ppl.Distributions.Tensors.InverseGamma(tensor(new[] { 2.0 }), tensor(new[] { 1.0 }));
        var zz = z.reshape(1, 5);
        var logZ = InverseGammaConjugate.LogEvidence(ig, zz).item<double>();
        Tensor LogJoint(Tensor s2) => ig.LogProb(s2.squeeze(-1)).Plus(zz.Squared().sum(-1).Times(-0.5) / s2.squeeze(-1) - s2.squeeze(-1).Times(2 * Math.PI).log().Times(2.5));
        var rng = new Rng(31);
        var ratios = new double[2000];
        var wrong = new double[2000];
        for (var r = 0; r < ratios.Length; r++)
        {
            var res = AmortizedImportanceSampling.Run(q, SampleSpaceTransform.Log, LogJoint, 10, rng);
            ratios[r] = Math.Exp(res.LogEvidence.item<double>() - logZ);
            // Negative control: weights that forget the Jacobian of x = exp(y).
            var y = res.Particles.log();
            var bad = res.LogWeights - y.squeeze(-1);
            wrong[r] = Math.Exp(bad.logsumexp(0).Minus(Math.Log(10)).item<double>() - logZ);
        }
        var (m, se) = MeanSe(ratios);
        Assert.True(Math.Abs(m - 1) < 5 * se, $"mean Ẑ/Z {m} ± {se}");
        var (mw, sew) = MeanSe(wrong);
        Assert.True(Math.Abs(mw - 1) > 5 * sew, $"negative control passed: {mw} ± {sew}");
    }
}
