using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Brain.Generative;
using Ppl.Inference.Tests.Variational;
using Xunit;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain.Generative;

/// <summary>
/// BRAIn over programs with the policy's parameters moved to a requested dtype (and device: the CPU here; CUDA takes the
/// same path): the parameters the program's <c>Param</c> created as float64 become float32 leaves in its store, the
/// distillation trains them to the exact tilted target, and its losses follow the float64 run to float32 precision.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class GenerativeBrainDeviceTests
{
    private static readonly int[] Prompts = [0, 1];

    static GenerativeBrainDeviceTests() => set_num_threads(1);

    /// <summary>KL(π* ‖ q) at prompt x, π* ∝ p · exp(r) in closed form, q the policy's softmax(logits[x]).</summary>
    private static double ForwardKl(int x)
    {
        var p = DeviceBrainModels.PriorProbabilities(x);
        var t = p.Select((v, y) => v * Math.Exp(DeviceBrainModels.Reward(x, y))).ToArray();
        var z = t.Sum();
        using var logits = DeviceBrainModels.PolicyModel.Parameters.All["logits"].detach().to_type(ScalarType.Float64);
        var logQ = logits[x].log_softmax(0).data<double>().ToArray();
        return t.Select((v, y) => v / z * (Math.Log(v / z) - logQ[y])).Sum();
    }

    private static void ResetPolicy()
    {
        using var _ = no_grad();
        foreach (var p in DeviceBrainModels.PolicyModel.Parameters.All.Values) p.zero_();
    }

    [Fact]
    public void A_policy_moved_to_float32_distils_to_the_exact_target_as_the_float64_policy_does()
    {
        var options = new BrainTrainingOptions { SamplesPerPrompt = 8, GroupsPerStep = 2, Steps = 60, RefreshEvery = 60, LearningRate = 0.1, Seed = 4 };
        var losses = new Dictionary<ScalarType, IReadOnlyList<double>>();
        var kl = new Dictionary<ScalarType, double>();
        try
        {
            foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
            {
                // Created (float64, by its Param init) on the first run, then moved by the family to the requested dtype.
                DeviceBrainModels.PolicyModel.Simulate(0, new Rng(0));
                ResetPolicy();
                var start = Prompts.Average(ForwardKl);
                losses[dtype] = GenerativeBrain.Distill(DeviceBrainModels.PolicyModel, DeviceBrainModels.TargetModel, Prompts, options, device: CPU, dtype: dtype).Losses;
                foreach (var p in DeviceBrainModels.PolicyModel.Parameters.All.Values)
                {
                    DeviceTests.AssertPlaced(p, CPU, dtype);
                    Assert.True(p.is_leaf && p.requires_grad);
                }
                kl[dtype] = Prompts.Average(ForwardKl);
                Assert.True(kl[dtype] < 0.05 && kl[dtype] < start / 4, $"{dtype}: KL(π* ‖ q) {kl[dtype]} after distillation (start {start})");
                if (dtype == ScalarType.Float32)
                    Assert.ThrowsAny<XunitException>(() => DeviceTests.AssertPlaced(DeviceBrainModels.PolicyModel.Parameters.All["logits"], CPU, ScalarType.Float64));
            }
        }
        finally
        {
            DeviceBrainModels.PolicyModel.Parameters.MoveTo(CPU, ScalarType.Float64);
        }
        for (var i = 0; i < losses[ScalarType.Float64].Count; i++)
            Assert.True(Math.Abs(losses[ScalarType.Float32][i] - losses[ScalarType.Float64][i]) < 1e-4 * (1 + Math.Abs(losses[ScalarType.Float64][i])),
                $"step {i}: float32 {losses[ScalarType.Float32][i]}, float64 {losses[ScalarType.Float64][i]}");
        Assert.InRange(Math.Abs(kl[ScalarType.Float32] - kl[ScalarType.Float64]), 0, 1e-3);
    }
}
