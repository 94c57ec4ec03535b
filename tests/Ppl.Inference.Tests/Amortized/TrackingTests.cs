using Ppl.Distributions.Tensors;
using Ppl.Examples.Tasks.Tracking;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Operators;
using Ppl.Inference.Amortized.Standardisation;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

[Collection(nameof(TorchGlobalStateCollection))]
public class TrackingTests
{
    static TrackingTests() => set_num_threads(1);

    private static readonly LinearGaussianObservation Positions =
        new(tensor(new double[] { 1, 0, 0, 0, 0, 0, 1, 0 }).reshape(2, 4), eye(2, dtype: ScalarType.Float64));

    /// <summary>Runs the particle filter on linear readings of the positions with noise variance <paramref name="rScale"/>, and the exact Kalman filter with variance 1 (the readings' own).</summary>
    private static (Tensor PfMean, Tensor PfVar, Tensor KfMean, Tensor KfVar, Tensor Ess) Compare(double rScale)
    {
        var task = new RangeBearingTracking { Components = 1, Acceleration = 0.3 };
        var rng = new Rng(5);
        var (states, _) = task.Simulate(6, 4, rng);
        using var g = new Rng(6).TorchGenerator();
        var z = states.matmul(Positions.H.T).Plus(randn(new long[] { 4, 6, 2 }, ScalarType.Float64, generator: g));
        var initial = task.InitialPrior(6);
        var kf = new GmmFilter<Tensor>(task.Dynamics, new GmmKalmanOperator(Positions)).Run(initial, Enumerable.Range(0, 4).Select(t => z[t]));
        var pf = new BootstrapParticleFilter(task.Dynamics,
            (x, zt) => (zt - x.matmul(Positions.H.T)).Squared().sum(-1).Times(-0.5).Over(rScale), 20_000, new Rng(7));
        Tensor x = null!, logW = null!;
        for (var t = 0; t < 4; t++) (x, logW) = pf.Step(initial, z[t]);
        var w = logW.exp().unsqueeze(-1);
        var mean = (w * x).sum([0]);
        var variance = (w * (x - mean).Squared()).sum([0]);
        var ess = (logW.logsumexp(0).Times(2) - logW.Times(2).logsumexp(0)).exp();
        return (mean, variance, kf[^1].Mean, kf[^1].Variance, ess);
    }

    [Fact]
    public void BootstrapParticleFilterAgreesWithTheKalmanFilter_AndOneWithTheWrongNoiseDoesNot()
    {
        var (pm, pv, km, kv, ess) = Compare(1.0);
        // Particle error after resampling at every step exceeds sd / √ESS (the particles share ancestors), so the
        // bound is on the error in posterior standard deviations. Bounds from 40 filter seeds with multinomial
        // resampling: the largest of the 24 mean errors ranged 0.03 to 0.13 and the largest |variance ratio − 1|
        // 0.05 to 0.17, so 0.1 and ±0.15 failed 5 and 2 of the 40; these leave a margin of about 1.5 over the worst.
        var err = ((pm - km) / kv.sqrt()).abs().max().item<double>();
        Assert.True(err < 0.2, $"max |mean error| / posterior sd = {err} (ESS {string.Join(" ", ess.data<double>().ToArray().Select(v => v.ToString("F0")))})");
        var ratio = (pv / kv).data<double>().ToArray();
        Assert.True(ratio.All(r => r is > 0.75 and < 1.25), $"variance ratios {string.Join(" ", ratio.Select(v => v.ToString("F2")))}");
        var (_, badVar, _, kv2, _) = Compare(4.0);
        Assert.True((badVar / kv2).mean().item<double>() > 1.5, "a particle filter with 4x the noise variance gave the Kalman variances");
    }

    [Fact]
    public void KernelDensityOfEquallyWeightedGaussianDrawsIsCloseToTheirDensity_AndMissesAShiftedOne()
    {
        var mean = tensor(new double[] { 1, -2, 0.5, 3 });
        var l = linalg.cholesky(tensor(new double[] { 2, 0.3, 0, 0, 0.3, 1, 0.2, 0, 0, 0.2, 0.5, 0.1, 0, 0, 0.1, 1.5 }).reshape(4, 4));
        var d = new MvNormal(mean.expand(3, 4), l.expand(3, 4, 4));
        var x = d.Sample(new Rng(3), [20_000]);
        var logW = TensorArithmetic.Full([20_000, 3], -Math.Log(20_000), ScalarType.Float64);
        var points = mean.Plus(tensor(new double[] { 0, 0.5, -1.0 }).unsqueeze(-1) * tensor(new double[] { 1, 0.5, 0.3, 0.4 }));
        var kde = BootstrapParticleFilter.KernelLogDensity(x, logW, points);
        // In the limit of many draws the kernel estimate is the density convolved with the kernel: N(μ, (1 + h²) Σ).
        var h2 = Math.Pow(20_000, -2.0 / 8);
        var exact = new MvNormal(mean.expand(3, 4), l.Times(Math.Sqrt(1 + h2)).expand(3, 4, 4)).LogProb(points);
        Assert.True((kde - exact).abs().max().item<double>() < 0.06, $"KDE {kde.data<double>().ToArray()[0]} vs {exact.data<double>().ToArray()[0]}");
        var shifted = new MvNormal(mean.Plus(1.0).expand(3, 4), l.expand(3, 4, 4)).LogProb(points);
        Assert.True((kde - shifted).abs().max().item<double>() > 0.5);
    }

    [Fact]
    public void MomentStandardisationIsUndoneExactlyOnTheMixtures()
    {
        var task = new RangeBearingTracking();
        var batch = task.MetaModel.Simulate(8, new Rng(4));
        var prior = ((DtPrior.Mixture)batch.Prior).Value;
        var std = task.Standardisation.Standardise(batch.Prior, batch.Observations);
        var standardised = ((DtPrior.Mixture)std.Prior).Value;
        var (m, s) = MixtureMomentStandardisation.Moments(standardised);
        Assert.True(m.abs().max().item<double>() < 1e-9);
        Assert.True(s.Minus(1).abs().max().item<double>() < 1e-9);
        var back = std.Restore(standardised);
        Assert.True((back.Means - prior.Means).abs().max().item<double>() < 1e-9);
        Assert.True((back.ScaleTrils - prior.ScaleTrils).abs().max().item<double>() < 1e-9);
        // Densities transform with the Jacobian: log q(y) = log q̃(ỹ) − Σ log s.
        var y = batch.Latent;
        var lhs = back.LogProb(y);
        var rhs = standardised.LogProb((y - std.Shift) / std.Scale) - std.Scale.log().sum(-1);
        Assert.True((lhs - rhs).abs().max().item<double>() < 1e-9);
        Assert.Equal(RangeBearingTracking.ReadingFeatures, std.Observations[0].shape[2]);
    }

    [Fact]
    public void FilterComparisonRunsTiny()
    {
        // The dt-filter pipeline at a tiny size: a few training steps, 3 series of 5 steps, 500 particles.
        var task = new RangeBearingTracking();
        var model = new DistributionTransformer(task.TransformerConfig(16, 1, 2), seed: 1, standardisation: task.Standardisation);
        var trained = DtTrainer.Train(model, task.MetaModel, new DtTrainingOptions { Steps = 20, BatchSize = 32, LearningRate = 2e-3, WarmupSteps = 5 }, new Rng(2));
        Assert.True(double.IsFinite(trained.FinalLoss));
        var r = FilterComparison.Run(task, model, 3, 5, 500, new Rng(3));
        Assert.Equal(new long[] { 5, 3 }, r.TransformerNll.shape);
        Assert.Equal(new long[] { 5, 3 }, r.ParticleNll.shape);
        Assert.True(r.TransformerNll.isfinite().all().item<bool>());
        Assert.True(r.ParticleNll.isfinite().all().item<bool>());
        Assert.True(r.TransformerSecondsPerStep > 0 && r.ParticleSecondsPerStep > 0);
        // The particle filter (500 particles suffice here) tracks: its NLL is far below that of the prior
        // pushed through the dynamics without any update.
        var (states, _) = task.Simulate(3, 5, new Rng(3));
        Gmm predicted = task.InitialPrior(3);
        var open = new List<Tensor>();
        for (var t = 0; t < 5; t++)
        {
            if (t > 0) predicted = GmmKalman.Predict(predicted, task.Dynamics);
            open.Add(-predicted.LogProb(states[t]));
        }
        Assert.True(r.ParticleNll.mean().item<double>() < stack(open).mean().item<double>() - 1.0);
    }
}
