using Ppl.Inference.Variational;
using Xunit;
using Xunit.Sdk;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// Programmable VI on a requested device and dtype: the context's constants, a model's density, the parameters a
/// <c>Param</c> init creates and an automatic guide's parameters are where <see cref="TrainOptions.Device"/> and
/// <see cref="TrainOptions.DType"/> say. Only the CPU can be tested here; CUDA takes the same code path (the device is
/// an argument, nothing branches on it), and <c>bench/gpu-check.sh</c> runs VI on a GPU.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class DeviceTests
{
    private const double Y = 1.0;
    private const double W = 0.3;
    private const double F = -0.25;

    /// <summary>
    /// z ~ N(0, 1), y ~ N(z, 1) observed at 1 (tensors in the dtype the arguments name), a scalar observation w ~ N(0, 1)
    /// at 0.3 and a factor −0.25 (both constants the context creates): p(z | y) = N(0.5, 0.5) and
    /// log p(y, w) = log N(1; 0, 2) + log N(0.3; 0, 1) − 0.25.
    /// </summary>
    private static readonly DynamicModel<ScalarType, Unit> Model = DynamicModel.Create<ScalarType, Unit>("conjugate-device", (t, dtype) =>
    {
        var z = t.Sample("z", new T.Normal(tensor(0.0, dtype), tensor(1.0, dtype)));
        t.Observe("y", new T.Normal(z, tensor(1.0, dtype)), tensor(Y, dtype));
        t.Observe("w", Dist.Normal(0.0, 1.0), W);
        t.Factor(F);
        return Unit.Value;
    });

    private static readonly double LogEvidence = LogNormal(Y, 0, Math.Sqrt(2)) + LogNormal(W, 0, 1) + F;

    private static double LogNormal(double x, double mu, double sd) => -0.5 * Math.Log(2 * Math.PI * sd * sd) - 0.5 * (x - mu) * (x - mu) / (sd * sd);

    /// <summary>q(z) = N(μ, exp(ℓ)²) with both parameters created by float64 CPU inits: the context places them.</summary>
    private static DynamicModel<ScalarType, Unit> Guide() => DynamicModel.Create<ScalarType, Unit>("q-device", (t, _) =>
    {
        var mu = t.Param("mu", () => tensor(0.0));
        var logSd = t.Param("log_sd", () => tensor(0.0));
        t.Sample("z", new T.Normal(mu, logSd.exp()));
        return Unit.Value;
    });

    /// <summary>Asserts that <paramref name="t"/> lives on <paramref name="device"/> in <paramref name="dtype"/>.</summary>
    internal static void AssertPlaced(Tensor t, Device device, ScalarType dtype)
    {
        Assert.Equal(dtype, t.dtype);
        Assert.Equal(device.type, t.device.type);
        Assert.Equal(device.type == TorchSharp.DeviceType.CPU ? -1 : device.index, t.device.type == TorchSharp.DeviceType.CPU ? -1 : t.device.index);
    }

    [Fact]
    public void Param_inits_go_to_the_training_dtype_and_both_dtypes_reach_the_exact_posterior()
    {
        set_num_threads(1);
        var values = new Dictionary<ScalarType, double>();
        Tensor? float64Parameter = null;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var q = Guide();
            var objective = Objectives.Elbo(Model, dtype, Vi.Guide(q, dtype));
            // Float64 on the CPU is the default: those options leave Device and DType out, so the defaults are what is checked.
            var options = dtype == ScalarType.Float64
                ? new TrainOptions { Steps = 1500, LearningRate = 0.01, Particles = 64 }
                : new TrainOptions { Steps = 1500, LearningRate = 0.01, Particles = 64, Device = CPU, DType = dtype };
            Trainer.Maximize(objective, [q.Parameters], options, new Rng(1));
            foreach (var p in q.Parameters.All.Values)
            {
                AssertPlaced(p, CPU, dtype);
                Assert.True(p.is_leaf && p.requires_grad);
            }
            var mu = q.Parameters.All["mu"].ToDoubleValue();
            var sd = Math.Exp(q.Parameters.All["log_sd"].ToDoubleValue());
            Assert.InRange(mu, 0.5 - 0.05, 0.5 + 0.05);
            Assert.InRange(sd, Math.Sqrt(0.5) - 0.05, Math.Sqrt(0.5) + 0.05);
            // At the optimum log p − log q is nearly constant, so 10⁵ particles pin the ELBO to well under 0.01.
            values[dtype] = objective.Value(new Rng(2), 100_000, CPU, dtype);
            Assert.InRange(values[dtype], LogEvidence - 0.01, LogEvidence + 0.002);
            if (dtype == ScalarType.Float64) float64Parameter = q.Parameters.All["mu"];
        }
        Assert.InRange(Math.Abs(values[ScalarType.Float32] - values[ScalarType.Float64]), 0, 0.01);
        // Negative control: a parameter left on the default dtype fails the float32 check.
        Assert.ThrowsAny<XunitException>(() => AssertPlaced(float64Parameter!, CPU, ScalarType.Float32));
    }

    [Fact]
    public void Constants_and_a_models_density_are_made_in_the_contexts_dtype_and_equal_the_exact_log_density()
    {
        set_num_threads(1);
        const double z = 0.2;
        var exact = LogNormal(z, 0, 1) + LogNormal(Y, z, 1) + LogNormal(W, 0, 1) + F;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var choices = ChoiceMap.Empty.Set(new Address("z"), tensor(z, dtype));
            var estimate = Vi.E(vi =>
            {
                Assert.Equal(dtype, vi.DType);
                AssertPlaced(vi.Constant(2.0), CPU, dtype);
                AssertPlaced(vi.Place(tensor(1.5)), CPU, dtype);
                Assert.Equal(ScalarType.Int64, vi.Place(tensor(3L)).dtype); // integral tensors keep their type
                var density = vi.Density(Model, dtype, choices);
                AssertPlaced(density, CPU, dtype);
                return density;
            }).Estimate(new Rng(1), 1, CPU, dtype);
            AssertPlaced(estimate.Surrogate, CPU, dtype);
            Assert.Equal(exact, estimate.Value, dtype == ScalarType.Float32 ? 1e-5 : 1e-12);
        }
        // Negative control: the static zero is a float64 made without a context, and the float32 check sees it.
        Assert.ThrowsAny<XunitException>(() => AssertPlaced(ViContext.Zero(), CPU, ScalarType.Float32));
    }

    [Fact]
    public void An_automatic_guide_in_float32_trains_to_the_evidence()
    {
        set_num_threads(1);
        var guide = AutoGuide.FullRank(Model, ScalarType.Float32, device: CPU, dtype: ScalarType.Float32);
        Assert.Equal(ScalarType.Float32, guide.DType);
        foreach (var p in guide.Parameters.All.Values) AssertPlaced(p, CPU, ScalarType.Float32);
        var objective = Objectives.Elbo(Model, ScalarType.Float32, guide);
        Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = 600, LearningRate = 0.05, Particles = 32, DType = ScalarType.Float32 }, new Rng(3));
        foreach (var p in guide.Parameters.All.Values) AssertPlaced(p, CPU, ScalarType.Float32);
        var value = objective.Value(new Rng(4), 100_000, CPU, ScalarType.Float32);
        Assert.InRange(value, LogEvidence - 0.02, LogEvidence + 0.002);
        // The default guide is float64: what the float32 guide is checked against.
        Assert.ThrowsAny<XunitException>(() => AssertPlaced(AutoGuide.FullRank(Model, ScalarType.Float32).Parameters.All["loc"], CPU, ScalarType.Float32));
    }
}
