using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Tests.Variational;
using Xunit;
using Xunit.Sdk;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain;

/// <summary>
/// BRAIn's tensor family on a requested device and dtype: <see cref="TokenSequenceModel"/>'s parameters live there, its
/// scores leave as CPU float64 (what the distillation loop stores) and its draws are made on the CPU from the stream, so
/// a float32 policy scores, samples and trains as the float64 one does up to float32 rounding. Only the CPU can be
/// tested here; CUDA takes the same path.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class TokenSequenceDeviceTests
{
    private static readonly int[] Prompts = [0, 1];

    static TokenSequenceDeviceTests() => set_num_threads(1);

    private static TokenSequenceModel Model(ScalarType dtype, ulong seed) => new(2, 3, 3, 8, new Rng(seed), device: CPU, dtype: dtype);

    [Fact]
    public void A_float32_model_scores_and_samples_as_the_float64_model_and_its_scores_leave_as_cpu_float64()
    {
        var m32 = Model(ScalarType.Float32, 5);
        var m64 = Model(ScalarType.Float64, 5);
        Assert.Equal(ScalarType.Float32, m32.DType);
        foreach (var p in m32.Parameters) DeviceTests.AssertPlaced(p, CPU, ScalarType.Float32);
        foreach (var p in m64.Parameters) DeviceTests.AssertPlaced(p, CPU, ScalarType.Float64);
        var y32 = m32.Sample(Prompts, 16, new Rng(9));
        var y64 = m64.Sample(Prompts, 16, new Rng(9));
        // The draws come from float64 CPU probabilities that differ by float32 rounding: the same tokens.
        Assert.Equal(y64.Select(y => string.Join(",", y)), y32.Select(y => string.Join(",", y)));
        using var lp32 = m32.LogProb(Prompts, y64);
        using var lp64 = m64.LogProb(Prompts, y64);
        DeviceTests.AssertPlaced(lp32, CPU, ScalarType.Float64);
        var a = lp32.data<double>().ToArray();
        var b = lp64.data<double>().ToArray();
        for (var i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-5 * (1 + Math.Abs(b[i])), $"output {i}: float32 {a[i]}, float64 {b[i]}");
        // The snapshot and the clone keep the device and dtype.
        Assert.Equal(ScalarType.Float32, m32.Clone().DType);
        // Negative control: the float32 model's parameters fail the float64 check.
        Assert.ThrowsAny<XunitException>(() => DeviceTests.AssertPlaced(m32.Parameters[0], CPU, ScalarType.Float64));
    }

    [Fact]
    public void A_brain_step_on_a_float32_policy_follows_the_float64_run()
    {
        var prior = Model(ScalarType.Float64, 1);
        var target = new DistillationTarget<int, int[]>(prior, new TokenRewardModel(2, 3), new BradleyTerryGoodness(1.0));
        var options = new BrainTrainingOptions { SamplesPerPrompt = 4, GroupsPerStep = 2, Steps = 4, RefreshEvery = 4, LearningRate = 0.05, Seed = 3 };
        var p32 = Model(ScalarType.Float32, 2);
        var p64 = Model(ScalarType.Float64, 2);
        var r32 = BrainTrainer.Train(target, p32, Prompts, options);
        var r64 = BrainTrainer.Train(target, p64, Prompts, options);
        foreach (var p in p32.Parameters) DeviceTests.AssertPlaced(p, CPU, ScalarType.Float32);
        Assert.Equal(options.Steps, r32.Losses.Count);
        for (var i = 0; i < r64.Losses.Count; i++)
            Assert.True(Math.Abs(r32.Losses[i] - r64.Losses[i]) < 1e-4 * (1 + Math.Abs(r64.Losses[i])), $"step {i}: float32 {r32.Losses[i]}, float64 {r64.Losses[i]}");
        // The trained parameters agree to float32 precision as well.
        for (var k = 0; k < p64.Parameters.Count; k++)
        {
            using var d = (p32.Parameters[k].detach().to_type(ScalarType.Float64) - p64.Parameters[k].detach()).abs().max();
            Assert.True(d.item<double>() < 1e-4, $"parameter {k} differs by {d.item<double>()}");
        }
    }
}
