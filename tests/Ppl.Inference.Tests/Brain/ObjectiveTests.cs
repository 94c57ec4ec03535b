using Ppl.Inference.Amortized.Brain;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Brain;

/// <summary>Exact properties of the distillation objective: zero gradient at the optimum, DPO as a special case, bad input.</summary>
public sealed class ObjectiveTests
{
    public ObjectiveTests() => set_num_threads(1);

    private static Tensor LogNormal(Tensor y, double mean, double sd) =>
        y.Minus(mean).Over(sd).Squared().Times(-0.5).Minus(Math.Log(sd)).Minus(0.5 * Math.Log(2 * Math.PI));

    /// <summary>
    /// Prior N(0, 2²) times goodness exp(−3y²/8) is N(0, 1) up to a constant; q_θ = N(θ, 1) is scored
    /// independently, so α and β agree only up to rounding and a constant.
    /// </summary>
    private static (SampleBatch Batch, Tensor LogQ) Setup(double theta, double proposalMean, Rng rng)
    {
        using var gen = rng.TorchGenerator();
        var y = randn(new long[] { 500, 16 }, ScalarType.Float64, generator: gen).Times(1.5).Plus(proposalMean);
        var goodness = new BradleyTerryGoodness(2.0);
        var batch = new SampleBatch(LogNormal(y, 0, 2), LogNormal(y, proposalMean, 1.5), goodness.LogLikelihood(y.Squared().Times(-0.75)));
        return (batch, LogNormal(y, theta, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-2.0)]
    public void Brain_gradient_is_exactly_zero_when_the_policy_is_the_target(double proposalMean)
    {
        using var scope = NewDisposeScope();
        var (batch, logQ) = Setup(0.0, proposalMean, new Rng(3));
        var c = DistillationObjective.Coefficients(batch, logQ, DistillationOptions.Brain);
        Assert.True(c.abs().max().item<double>() <= 1e-12, $"max |c| = {c.abs().max().item<double>()}");
        // Through the loss and autograd as well.
        var lq = logQ.detach().requires_grad_(true);
        DistillationObjective.Loss(batch, lq, DistillationOptions.Brain).backward();
        Assert.True(lq.grad!.abs().max().item<double>() <= 1e-12);

        // Negative controls: a policy off by 0.01 gives a clearly non-zero gradient, and DPG at the optimum is not 0.
        var (batch2, logQ2) = Setup(0.01, proposalMean, new Rng(3));
        Assert.True(DistillationObjective.Coefficients(batch2, logQ2, DistillationOptions.Brain).abs().max().item<double>() > 1e-4);
        var dpgBatch = batch with { LogNormalizer = TensorArithmetic.Full([batch.Prompts], Math.Log(2.0), ScalarType.Float64) };
        Assert.True(DistillationObjective.Coefficients(dpgBatch, logQ, DistillationOptions.Dpg).abs().max().item<double>() > 1e-3);
    }

    [Fact]
    public void Loss_gradient_equals_minus_the_coefficients_averaged_over_prompts()
    {
        using var scope = NewDisposeScope();
        var (batch, logQ) = Setup(0.3, 0.5, new Rng(4));
        foreach (var o in new[] { DistillationOptions.Brain, DistillationOptions.RwsWake, DistillationOptions.Dpo })
        {
            var lq = logQ.detach().requires_grad_(true);
            DistillationObjective.Loss(batch, lq, o).backward();
            var expected = (-DistillationObjective.Coefficients(batch, logQ, o)).Over(batch.Prompts);
            Assert.True((lq.grad! - expected).abs().max().item<double>() < 1e-12, o.Name);
        }
    }

    [Fact]
    public void Dpo_special_case_reproduces_the_dpo_loss_on_hand_computed_pairs()
    {
        using var scope = NewDisposeScope();
        // Three prompts, two samples each: (log q, log p, reward) per sample.
        double[,] logQ = { { -1.2, -2.5 }, { -3.0, -0.4 }, { -2.2, -2.0 } };
        double[,] logP = { { -1.0, -2.0 }, { -2.5, -0.9 }, { -2.0, -2.4 } };
        double[,] reward = { { 0.7, 0.1 }, { -0.3, 0.4 }, { 1.5, 2.5 } };
        // Hand-computed: winner w, loser l; loss = −log σ((q_w − p_w) − (q_l − p_l)).
        // Prompt 0: w = 0: (−1.2+1.0) − (−2.5+2.0) = −0.2 + 0.5 = 0.3.
        // Prompt 1: w = 1: (−0.4+0.9) − (−3.0+2.5) = 0.5 + 0.5 = 1.0.
        // Prompt 2: w = 1: (−2.0+2.4) − (−2.2+2.0) = 0.4 + 0.2 = 0.6.
        double[] margins = { 0.3, 1.0, 0.6 };
        var expected = margins.Select(m => Math.Log(1 + Math.Exp(-m))).Average();

        var lq = tensor(logQ).requires_grad_(true);
        var lp = tensor(logP);
        var batch = new SampleBatch(lp, lp.clone(), new BradleyTerryGoodness(0.5).LogLikelihood(tensor(reward)));
        var loss = DistillationObjective.Loss(batch, lq, DistillationOptions.Dpo);
        Assert.Equal(expected, loss.item<double>(), 12);

        // Gradient: d/dΔ of −log σ(Δ) is −(1 − σ(Δ)); the winner's log q gets it, the loser's its negative; averaged over 3 prompts.
        loss.backward();
        int[] winners = { 0, 1, 1 };
        for (var b = 0; b < 3; b++)
        {
            var s = 1 - 1 / (1 + Math.Exp(-margins[b]));
            Assert.Equal(-s / 3, lq.grad![b, winners[b]].item<double>(), 12);
            Assert.Equal(s / 3, lq.grad![b, 1 - winners[b]].item<double>(), 12);
        }

        // Negative control: BRAIn's soft weights on the same pairs are a different loss.
        var brain = DistillationObjective.Loss(batch, lq.detach(), DistillationOptions.Brain).item<double>();
        Assert.True(Math.Abs(brain - expected) > 1e-3, $"BRAIn {brain} vs DPO {expected}");
    }

    [Fact]
    public void Prompts_without_a_usable_sample_carry_no_weight()
    {
        using var scope = NewDisposeScope();
        var reward = tensor(new double[,] { { 0.1, 0.2 }, { 2.0, 0.5 } });
        var lp = tensor(new double[,] { { -1.0, -1.0 }, { -1.0, -1.0 } });
        var batch = new SampleBatch(lp, lp.clone(), new ThresholdGoodness(1.0).LogLikelihood(reward));
        var lq = tensor(new double[,] { { -0.5, -2.0 }, { -1.5, -0.5 } });
        var c = DistillationObjective.Coefficients(batch, lq, DistillationOptions.Brain);
        Assert.False(isnan(c).any().item<bool>());
        Assert.Equal(0.0, c[0].abs().sum().item<double>());
        Assert.True(c[1, 0].item<double>() > 0);
        var loss = DistillationObjective.Loss(batch, lq, DistillationOptions.Brain).item<double>();
        Assert.True(double.IsFinite(loss));
    }

    [Fact]
    public void Bad_input_gets_clear_exceptions()
    {
        using var scope = NewDisposeScope();
        var lp = zeros(2, 3, ScalarType.Float64);
        var batch = new SampleBatch(lp, lp, lp);
        var ex = Assert.Throws<ArgumentException>(() => DistillationObjective.Coefficients(batch, lp, DistillationOptions.Dpg));
        Assert.Contains("LogNormalizer", ex.Message);
        Assert.Throws<ArgumentException>(() => DistillationObjective.Coefficients(batch, zeros(2, 4, ScalarType.Float64), DistillationOptions.Brain));
        var nanQ = TensorArithmetic.Full([2, 3], double.NaN, ScalarType.Float64);
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => DistillationObjective.Coefficients(batch, nanQ, DistillationOptions.Brain)).Message);
    }

    [Fact]
    public void Goodness_plugins_match_their_formulas()
    {
        Assert.Equal(4.0, new BradleyTerryGoodness(0.5).LogLikelihood(2.0), 14);
        var logistic = new LogisticGoodness(1.0);
        foreach (var r in new[] { -800.0, -3.0, 1.0, 2.5, 800.0 })
        {
            var exact = r - 1.0 >= 0 ? -Math.Log(1 + Math.Exp(-(r - 1.0))) : (r - 1.0) - Math.Log(1 + Math.Exp(r - 1.0));
            Assert.Equal(exact, logistic.LogLikelihood(r), 12);
            Assert.Equal(exact, logistic.LogLikelihood(tensor(r)).item<double>(), 12);
        }
        Assert.Equal(double.NegativeInfinity, new ThresholdGoodness(0).LogLikelihood(-1e-9));
        Assert.Equal(0.0, new ThresholdGoodness(0).LogLikelihood(0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BradleyTerryGoodness(0));
    }
}
