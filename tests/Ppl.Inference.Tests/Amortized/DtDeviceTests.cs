using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Programs;
using Ppl.Inference.Amortized.Proposal;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Ppl.Inference.Tests.Amortized.Programs;
using Ppl.Inference.Tests.Variational;
using Xunit;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

/// <summary>
/// The Distribution Transformer on a requested device and dtype: the network's weights, a training run's network and
/// batches, and the posterior it hands back. Only the CPU can be tested here; CUDA takes the same path (the device is
/// an argument, the inputs follow the network), and <c>bench/gpu-check.sh</c> runs the DT on a GPU.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class DtDeviceTests
{
    private static readonly DtConfig Small = new() { StateDimension = 1, ModelDimension = 16, Heads = 2, Layers = 2, FeedForward = 32, EmbeddingHidden = 16 };

    static DtDeviceTests() => set_num_threads(1);

    private static void AssertWeights(DistributionTransformer model, ScalarType dtype)
    {
        Assert.Equal(dtype, model.DType);
        Assert.Equal(TorchSharp.DeviceType.CPU, model.Device.type);
        foreach (var p in model.parameters()) DeviceTests.AssertPlaced(p, CPU, dtype);
    }

    [Fact]
    public void A_float64_network_computes_what_the_float32_network_computes()
    {
        var f32 = new DistributionTransformer(Small, seed: 4);
        var f64 = new DistributionTransformer(Small, seed: 4, device: CPU, dtype: ScalarType.Float64);
        AssertWeights(f32, ScalarType.Float32);
        AssertWeights(f64, ScalarType.Float64);
        // The same weights in both (perturbed, since the zero-initialised output projections would hide most paths).
        SameWeights(f32, f64, 9);
        var batch = MetaModels.Gmm1D(3).Simulate(64, new Rng(5));
        using var ng = no_grad();
        var q32 = f32.Forward(batch.Prior, batch.Observations).Posterior;
        var q64 = f64.Forward(batch.Prior, batch.Observations).Posterior;
        DeviceTests.AssertPlaced(q32.Means, CPU, ScalarType.Float32);
        DeviceTests.AssertPlaced(q64.Means, CPU, ScalarType.Float64);
        var x = batch.Latent.to_type(ScalarType.Float64);
        var lp32 = q32.LogProb(x.to_type(ScalarType.Float32)).to_type(ScalarType.Float64).data<double>().ToArray();
        var lp64 = q64.LogProb(x).data<double>().ToArray();
        for (var i = 0; i < lp64.Length; i++)
            Assert.True(Math.Abs(lp32[i] - lp64[i]) < 1e-4 * (1 + Math.Abs(lp64[i])), $"problem {i}: float32 {lp32[i]}, float64 {lp64[i]}");
        // Negative control: the float32 network's weights fail the float64 check.
        Assert.ThrowsAny<XunitException>(() => AssertWeights(f32, ScalarType.Float64));
    }

    /// <summary>Perturbs <paramref name="from"/>'s weights and copies them into <paramref name="to"/> (another dtype).</summary>
    private static void SameWeights(DistributionTransformer from, DistributionTransformer to, long seed)
    {
        manual_seed(seed);
        using var ng = no_grad();
        foreach (var (p, q) in from.parameters().Zip(to.parameters()))
        {
            p.AddInPlace(randn_like(p).Times(0.3));
            q.copy_(p);
        }
    }

    [Fact]
    public void A_traced_programs_posterior_from_a_float64_network_is_the_float32_networks_in_cpu_doubles()
    {
        var meta = new TracedMetaModel<int, double>(ProgramModels.NormalInverseGammaModel, NormalInverseGammaDt.N,
            [DtLatent.Real("mu"), DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.FittedToPrior(3));
        var f32 = meta.CreateTransformer(NormalInverseGammaDt.Sizes, seed: 3);
        var f64 = meta.CreateTransformer(NormalInverseGammaDt.Sizes, seed: 3, device: CPU, dtype: ScalarType.Float64);
        AssertWeights(f32, ScalarType.Float32);
        AssertWeights(f64, ScalarType.Float64);
        SameWeights(f32, f64, 11);
        var observations = NormalInverseGammaDt.Observe(NormalInverseGammaDt.Data);
        var q32 = meta.Posterior(f32, NormalInverseGammaDt.N, observations);
        var q64 = meta.Posterior(f64, NormalInverseGammaDt.N, observations);
        var rng = new Rng(5);
        for (var i = 0; i < 20; i++)
        {
            var x = q64.Sample(rng);
            var a = q32.LogDensity(x);
            var b = q64.LogDensity(x);
            Assert.True(Math.Abs(a - b) < 1e-4 * (1 + Math.Abs(b)), $"draw {i}: float32 network {a}, float64 network {b}");
        }
    }

    [Fact]
    public void Training_moves_the_network_to_the_options_dtype_and_follows_the_float32_run()
    {
        var a = new DistributionTransformer(Small, seed: 6);
        var b = new DistributionTransformer(Small, seed: 6);
        var options = new DtTrainingOptions { Steps = 6, BatchSize = 32, LearningRate = 1e-3, WarmupSteps = 2 };
        var ra = DtTrainer.Train(a, MetaModels.Gmm1D(2), options, new Rng(7));
        var rb = DtTrainer.Train(b, MetaModels.Gmm1D(2), options with { Device = CPU, DType = ScalarType.Float64 }, new Rng(7));
        AssertWeights(a, ScalarType.Float32);
        AssertWeights(b, ScalarType.Float64);
        // The same batches and the same initial weights: the losses differ by float32 rounding only.
        Assert.Equal(options.Steps, rb.Losses.Count);
        for (var i = 0; i < ra.Losses.Count; i++)
            Assert.True(Math.Abs(ra.Losses[i] - rb.Losses[i]) < 1e-4 * (1 + Math.Abs(rb.Losses[i])), $"step {i}: float32 {ra.Losses[i]}, float64 {rb.Losses[i]}");
    }

    [Fact]
    public void A_network_trained_in_float64_proposes_an_unbiased_evidence_returned_on_the_callers_device_in_float64()
    {
        // As DistributionTransformerTests' proposal test, with the network trained in float64 from batches a
        // ModelMetaModel creates on the CPU by request; the answer is checked against the exact evidence.
        var config = new DtConfig { ObservationScaling = ObservationScaling.Asinh, PriorParameterCount = 2, Components = 3, ModelDimension = 16, Heads = 2, Layers = 1, FeedForward = 32 };
        var model = new DistributionTransformer(config, SampleSpaceTransform.Log, seed: 2);
        var meta = new ModelMetaModel(MetaModels.InverseGamma(5), device: CPU);
        var batch = meta.Simulate(4, new Rng(1));
        DeviceTests.AssertPlaced(batch.Latent, CPU, ScalarType.Float64);
        Assert.Same(batch, batch.To(CPU)); // already there: nothing is copied
        DtTrainer.Train(model, meta, new DtTrainingOptions { Steps = 150, BatchSize = 64, LearningRate = 3e-3, WarmupSteps = 10, DType = ScalarType.Float64 }, new Rng(21));
        AssertWeights(model, ScalarType.Float64);
        var z = tensor(new[] { 0.5, -1.1, 0.3, 0.9, -0.2 }).reshape(1, 5, 1);
        var q = model.Posterior(DtPrior.FromParameters(tensor(new[] { 2.0, 1.0 }).reshape(1, 2)), z);
        DeviceTests.AssertPlaced(q.Means, CPU, ScalarType.Float64);
        var ig = new Ppl.Distributions.Tensors.InverseGamma(tensor(new[] { 2.0 }), tensor(new[] { 1.0 }));
        var zz = z.reshape(1, 5);
        var logZ = InverseGammaConjugate.LogEvidence(ig, zz).item<double>();
        Tensor LogJoint(Tensor s2) => ig.LogProb(s2.squeeze(-1)).Plus(zz.Squared().sum(-1).Times(-0.5) / s2.squeeze(-1) - s2.squeeze(-1).Times(2 * Math.PI).log().Times(2.5));
        var rng = new Rng(31);
        var ratios = new double[1000];
        for (var r = 0; r < ratios.Length; r++)
        {
            using var scope = NewDisposeScope();
            ratios[r] = Math.Exp(AmortizedImportanceSampling.Run(q, SampleSpaceTransform.Log, LogJoint, 10, rng).LogEvidence.item<double>() - logZ);
        }
        var m = ratios.Average();
        var se = Math.Sqrt(ratios.Sum(v => (v - m) * (v - m)) / (ratios.Length - 1) / ratios.Length);
        Assert.True(Math.Abs(m - 1) < 5 * se, $"mean Ẑ/Z {m} ± {se}");
    }
}
