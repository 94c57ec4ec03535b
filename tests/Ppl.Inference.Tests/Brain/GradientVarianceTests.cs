using Ppl.Inference.Amortized.Brain;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain;

/// <summary>
/// The paired estimator of a minibatch gradient's total variance against a case with a known answer: log q_θ(y) = θ y
/// with y ~ N(0, 1) from the proposal, unit weights and DPG's normalised target with log Z = 0, so that each
/// minibatch gradient is −(1 / nB) Σ y and its variance is exactly 1 / (nB).
/// </summary>
public sealed class GradientVarianceTests
{
    public GradientVarianceTests() => set_num_threads(1);

    private sealed class NormalDraws : IConditionalModel<int, double>
    {
        public double[] Sample(IReadOnlyList<int> prompts, int samplesPerPrompt, Rng rng) =>
            Enumerable.Range(0, prompts.Count * samplesPerPrompt).Select(_ => rng.NextGaussian()).ToArray();

        public Tensor LogProb(IReadOnlyList<int> prompts, IReadOnlyList<double> outputs) => zeros(prompts.Count, outputs.Count / prompts.Count, ScalarType.Float64);
    }

    private sealed class LinearFamily : IAmortizedFamily<int, double>
    {
        private readonly Tensor _theta = zeros(1, ScalarType.Float64).requires_grad_(true);

        public IReadOnlyList<Tensor> Parameters => [_theta];

        public double[] Sample(IReadOnlyList<int> prompts, int samplesPerPrompt, Rng rng) => throw new NotSupportedException();

        public Tensor LogProb(IReadOnlyList<int> prompts, IReadOnlyList<double> outputs) => zeros(prompts.Count, outputs.Count / prompts.Count, ScalarType.Float64);

        public void AccumulateGradients(IReadOnlyList<int> prompts, IReadOnlyList<double> outputs, Tensor weights)
        {
            using var scope = NewDisposeScope();
            var y = tensor(outputs.ToArray()).view(weights.shape);
            ((weights.detach() * y).sum() * _theta).sum().backward(); // ∇θ Σ w θ y = Σ w y
        }

        public IConditionalModel<int, double> Snapshot() => throw new NotSupportedException();
    }

    private sealed class NoReward : IRewardModel<int, double>
    {
        public Tensor Score(IReadOnlyList<int> prompts, IReadOnlyList<double> outputs) => zeros(prompts.Count, outputs.Count / prompts.Count, ScalarType.Float64);

        public IReadOnlyList<Tensor> Parameters => [];
    }

    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 8)]
    public void ThePairedEstimateMatchesTheExactVariance(int prompts, int samplesPerPrompt)
    {
        var proposal = new NormalDraws();
        var target = new DistillationTarget<int, double>(proposal, new NoReward(), new BradleyTerryGoodness(1.0));
        var estimate = GradientVariance.Estimate(target, new LinearFamily(), proposal, Enumerable.Range(0, prompts).ToArray(),
            DistillationOptions.Dpg, samplesPerPrompt, pairs: 4000, new Rng(17), _ => 0.0);
        var (total, se) = (estimate.Total, estimate.StandardError);
        var exact = 1.0 / (prompts * samplesPerPrompt);
        // The distribution-free lower bound lies below the exact value and is not vacuous (½ χ²₁-distributed pairs here).
        Assert.InRange(estimate.LowerBound(), 0.5 * exact, exact);
        Assert.True(estimate.LowerBound(z: 3) > estimate.LowerBound(z: 5)); // less confidence, a tighter bound
        Assert.InRange(total, exact - 5 * se, exact + 5 * se);
        // Negative control: the unhalved squared difference (a wrong estimator) is twice the variance, far outside.
        Assert.False(Math.Abs(2 * total - exact) < 5 * 2 * se);
        Assert.True(se < 0.05 * exact);
    }

    [Fact]
    public void NormalisedEstimatorsWithoutLogZAreRefused()
    {
        var proposal = new NormalDraws();
        var target = new DistillationTarget<int, double>(proposal, new NoReward(), new BradleyTerryGoodness(1.0));
        var e = Assert.Throws<ArgumentException>(() => GradientVariance.Estimate(target, new LinearFamily(), proposal, [0], DistillationOptions.Dpg, 4, 2, new Rng(1)));
        Assert.Contains("dpg", e.Message);
    }
}
