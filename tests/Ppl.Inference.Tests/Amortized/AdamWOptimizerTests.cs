using Ppl.Inference.Amortized.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

/// <summary>
/// <see cref="AdamWOptimizer"/> replaces TorchSharp's <c>optim.AdamW</c> and <c>optim.Adam</c> (whose steps make
/// temporary scalars that the finalizer thread can free during the libtorch call): it must take the same steps,
/// bit for bit, including a learning rate changed between steps and a parameter without a gradient.
/// </summary>
public class AdamWOptimizerTests
{
    public AdamWOptimizerTests() => set_num_threads(1);

    private static (Parameter A, Parameter B, Parameter Unused) Parameters() =>
        (new Parameter(tensor(new[] { 0.5, -1.5, 2.0 }, ScalarType.Float64)),
         new Parameter(tensor(new[] { 3.0, 0.25 }, ScalarType.Float64)),
         new Parameter(tensor(new[] { 1.0 }, ScalarType.Float64)));

    private static Tensor Loss(Parameter a, Parameter b) =>
        (a.Minus(1).Squared().sum() * b.sum()).Plus(b.Squared().sum().Times(0.3)).Plus(a.prod());

    private static string Show(Tensor t) => string.Join(", ", t.detach().data<double>().ToArray());

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.05)]
    public void Takes_TorchSharps_steps_exactly(double weightDecay)
    {
        var (a1, b1, u1) = Parameters();
        var (a2, b2, u2) = Parameters();
        using var ours = new Ppl.Inference.Optimization.AdamWOptimizer([a1, b1, u1], 0.05, weightDecay: weightDecay);
        var theirs = weightDecay == 0
            ? (optim.Optimizer)optim.Adam([a2, b2, u2], 0.05)
            : optim.AdamW([a2, b2, u2], 0.05, weight_decay: weightDecay);
        for (var step = 0; step < 25; step++)
        {
            var lr = 0.05 / (1 + step * 0.1);
            ours.LearningRate = lr;
            foreach (var g in theirs.ParamGroups) g.LearningRate = lr;
            ours.ZeroGradients();
            theirs.zero_grad();
            using (var scope = NewDisposeScope())
            {
                Loss(a1, b1).backward();
                Loss(a2, b2).backward();
            }
            ours.Step();
            theirs.step();
            Assert.True(a1.Equals(a2) && b1.Equals(b2), $"step {step}: {Show(a1)} vs {Show(a2)}");
        }
        Assert.True(u1.Equals(u2));
        Assert.Equal(1.0, u1.item<double>());
    }
}
