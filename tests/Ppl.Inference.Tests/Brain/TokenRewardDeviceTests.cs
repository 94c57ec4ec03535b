using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Tests.Variational;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain;

/// <summary>
/// <see cref="TokenRewardModel"/> on a requested dtype (and device: the CPU here, CUDA takes the same path): its
/// parameters live there, its scores leave as CPU float64, and fitting it to preferences follows the float64 fit to
/// float32 precision.
/// </summary>
[Collection(nameof(TorchGlobalStateCollection))]
public sealed class TokenRewardDeviceTests
{
    static TokenRewardDeviceTests() => set_num_threads(1);

    [Fact]
    public void A_float32_reward_model_fits_and_scores_as_the_float64_model_with_cpu_float64_scores()
    {
        // Preferences: prompt 0 prefers sequences with more 2s, prompt 1 with more 0s.
        var rng = new Rng(3);
        var pairs = new List<PreferencePair<int, int[]>>();
        for (var i = 0; i < 200; i++)
        {
            var x = i % 2;
            int[] a = [rng.Next(3), rng.Next(3), rng.Next(3)];
            int[] b = [rng.Next(3), rng.Next(3), rng.Next(3)];
            var favourite = x == 0 ? 2 : 0;
            var better = a.Count(t => t == favourite) >= b.Count(t => t == favourite);
            pairs.Add(new PreferencePair<int, int[]>(x, better ? a : b, better ? b : a));
        }
        var options = new RewardTrainingOptions { Epochs = 3, BatchSize = 50 };
        var r32 = new TokenRewardModel(2, 3, CPU, ScalarType.Float32);
        var r64 = new TokenRewardModel(2, 3);
        foreach (var p in r32.Parameters) DeviceTests.AssertPlaced(p, CPU, ScalarType.Float32);
        var f32 = RewardModelTrainer.Train(r32, pairs, options);
        var f64 = RewardModelTrainer.Train(r64, pairs, options);
        foreach (var p in r32.Parameters) DeviceTests.AssertPlaced(p, CPU, ScalarType.Float32);
        Assert.True(Math.Abs(f32.FinalLoss - f64.FinalLoss) < 1e-4 * (1 + Math.Abs(f64.FinalLoss)), $"final loss: float32 {f32.FinalLoss}, float64 {f64.FinalLoss}");
        Assert.Equal(f64.Accuracy, f32.Accuracy);
        var outputs = pairs.Take(8).Select(p => p.Preferred).ToArray();
        using var s32 = r32.Score([0, 1], outputs);
        using var s64 = r64.Score([0, 1], outputs);
        DeviceTests.AssertPlaced(s32, CPU, ScalarType.Float64);
        var a32 = s32.data<double>().ToArray();
        var a64 = s64.data<double>().ToArray();
        for (var i = 0; i < a64.Length; i++) Assert.True(Math.Abs(a32[i] - a64[i]) < 1e-4 * (1 + Math.Abs(a64[i])), $"output {i}: float32 {a32[i]}, float64 {a64[i]}");
    }
}
