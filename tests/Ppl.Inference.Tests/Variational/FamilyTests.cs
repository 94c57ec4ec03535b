using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>Automatic guides, neural guides, VIMCO, wake-sleep, minibatching and checkpoints.</summary>
public class FamilyTests
{
    private const double Y = 1.0;

    /// <summary>z₁, z₂ ~ N(0, 1), y ~ N(z₁ + z₂, 1): a correlated posterior; log p(y) = log N(y; 0, 3).</summary>
    private static readonly DynamicModel<Unit, Unit> Sum = DynamicModel.Create("sum", t =>
    {
        var z1 = t.Sample("z1", new T.Normal(tensor(0.0), tensor(1.0)));
        var z2 = t.Sample("z2", new T.Normal(tensor(0.0), tensor(1.0)));
        t.Observe("y", new T.Normal(z1.Plus(z2), tensor(1.0)), tensor(Y));
        return Unit.Value;
    });

    private static readonly double LogEvidence = -0.5 * Math.Log(2 * Math.PI * 3) - Y * Y / 6;

    [Fact]
    public void Full_rank_reaches_the_evidence_and_mean_field_falls_short()
    {
        set_num_threads(1);
        var full = AutoGuide.FullRank(Sum, Unit.Value);
        var mf = AutoGuide.MeanField(Sum, Unit.Value);
        var opts = new TrainOptions { Steps = 1500, LearningRate = 0.05, Particles = 32 };
        Trainer.Maximize(Objectives.Elbo(Sum, Unit.Value, full), [full.Parameters], opts, new Rng(1));
        Trainer.Maximize(Objectives.Elbo(Sum, Unit.Value, mf), [mf.Parameters], opts, new Rng(2));
        var vFull = Objectives.Elbo(Sum, Unit.Value, full).Value(new Rng(3), 100_000);
        var vMf = Objectives.Elbo(Sum, Unit.Value, mf).Value(new Rng(4), 100_000);
        Assert.InRange(vFull, LogEvidence - 0.02, LogEvidence + 0.01);
        // Mean-field's best ELBO here is log p(y) − ½ log(4/3) ≈ log p(y) − 0.144.
        Assert.InRange(vMf, LogEvidence - 0.144 - 0.05, LogEvidence - 0.144 + 0.03);
        Assert.True(vMf < vFull - 0.08, $"mean-field {vMf} vs full-rank {vFull}");
    }

    [Fact]
    public void Auto_guide_handles_constrained_sites()
    {
        set_num_threads(1);
        // s ~ Gamma(3, 2) (positive), y ~ N(0, s) observed: the guide lives on log s.
        var model = DynamicModel.Create("scale", t =>
        {
            var s = t.Sample("s", new T.Gamma(tensor(3.0), tensor(2.0)));
            t.Observe("y", new T.Normal(tensor(0.0), s), tensor(0.5));
            return Unit.Value;
        });
        var g = AutoGuide.MeanField(model, Unit.Value);
        var r = Trainer.Maximize(Objectives.Elbo(model, Unit.Value, g), [g.Parameters], new TrainOptions { Steps = 600, LearningRate = 0.05, Particles = 16 }, new Rng(5));
        var value = Objectives.Elbo(model, Unit.Value, g).Value(new Rng(6), 50_000);
        var iw = Objectives.Iwelbo(model, Unit.Value, g, 50).Value(new Rng(7), 2_000);
        Assert.True(double.IsFinite(value) && value <= iw + 0.01, $"ELBO {value}, IWELBO_50 {iw}");
        Assert.True(r.Final() > r.Estimates.Take(20).Average());
    }

    /// <summary>c ~ Bern(0.3) per item, y ~ N(2c, 1) observed: a discrete latent for VIMCO and wake-sleep.</summary>
    private static readonly DynamicModel<Unit, Unit> Switch = DynamicModel.Create("switch", t =>
    {
        var c = t.Sample("c", new T.Bernoulli(probs: tensor(0.3)));
        t.Observe("y", new T.Normal(c.Times(2), tensor(1.0)), tensor(1.8));
        return Unit.Value;
    });

    private static double ExactPosterior()
    {
        double L(double m) => Math.Exp(-0.5 * (1.8 - m) * (1.8 - m));
        return 0.3 * L(2) / (0.3 * L(2) + 0.7 * L(0));
    }

    private static DynamicModel<Unit, Unit> SwitchGuide() => DynamicModel.Create("switch-q", t =>
    {
        var logit = t.Param("logit", () => tensor(0.0));
        t.Sample("c", new T.Bernoulli(logits: logit).Reinforce());
        return Unit.Value;
    });

    [Fact]
    public void Vimco_and_wake_q_recover_a_discrete_posterior()
    {
        set_num_threads(1);
        var exact = ExactPosterior();
        var q1 = SwitchGuide();
        Trainer.Maximize(Objectives.Vimco(Switch, Unit.Value, Vi.Guide(q1, Unit.Value), 5), [q1.Parameters],
            new TrainOptions { Steps = 250, LearningRate = 0.1, Particles = 16 }, new Rng(8));
        var q2 = SwitchGuide();
        Trainer.Maximize(Objectives.QWake(Switch, Unit.Value, Vi.Guide(q2, Unit.Value), 10), [q2.Parameters],
            new TrainOptions { Steps = 300, LearningRate = 0.1, Particles = 16 }, new Rng(9));
        // VIMCO maximises IWELBO_5, whose optimal q is more diffuse than the posterior: only the direction is checked.
        Assert.InRange(torch_sigmoid(q1), 0.5, exact + 0.05);
        Assert.InRange(torch_sigmoid(q2), exact - 0.05, exact + 0.05);
    }

    private static double torch_sigmoid(DynamicModel<Unit, Unit> q) => q.Parameters.All["logit"].sigmoid().item<double>();

    [Fact]
    public void Sleep_phase_fits_an_amortised_guide_to_dreams()
    {
        set_num_threads(1);
        // z ~ N(0,1), y ~ N(z, 1); guide z ~ N(a·y, e^b); the exact posterior is N(y/2, 1/2), so a → 1/2, e^{2b} → 1/2.
        var model = DynamicModel.Create("dream", t =>
        {
            var z = t.Sample("z", new T.Normal(tensor(0.0), tensor(1.0)));
            t.Observe("y", new T.Normal(z, tensor(1.0)), tensor(0.0));
            return Unit.Value;
        });
        var guide = DynamicModel.Create<Tensor, Unit>("amortised", (t, y) =>
        {
            var a = t.Param("a", () => tensor(0.0));
            var b = t.Param("b", () => tensor(0.0));
            t.Sample("z", new T.Normal(a * y, b.exp()));
            return Unit.Value;
        });
        var sleep = Objectives.Sleep(model, Unit.Value, obs => Vi.Guide(guide, (Tensor)obs["y"]));
        Trainer.Maximize(sleep, [guide.Parameters], new TrainOptions { Steps = 600, LearningRate = 0.05, Particles = 64 }, new Rng(10));
        Assert.InRange(guide.Parameters.All["a"].item<double>(), 0.45, 0.55);
        Assert.InRange(Math.Exp(2 * guide.Parameters.All["b"].item<double>()), 0.44, 0.56);
    }

    [Fact]
    public void Minibatch_is_an_unbiased_scaled_subsample_sum()
    {
        set_num_threads(1);
        var data = Enumerable.Range(0, 10).Select(i => (double)i * i).ToArray();
        var e = Vi.E(vi => vi.Minibatch(10, 3, i => tensor(data[i])));
        var xs = Enumerable.Range(0, 4000).Select(i => e.Value(new Rng((ulong)i))).ToArray();
        var (m, se) = GradientCheck.MeanSe(xs);
        Assert.True(Math.Abs(m - data.Sum()) < 4.5 * se, $"{m} ± {se} vs {data.Sum()}");
    }

    [Fact]
    public void Checkpoint_round_trips_parameters()
    {
        var g = AutoGuide.FullRank(Sum, Unit.Value);
        using (no_grad()) g.Parameters.All["loc"].AddInPlace(1.25);
        var path = Path.Combine(Path.GetTempPath(), $"vi-{Guid.NewGuid():N}.ckpt");
        var baseline = Baseline.Learned(3.5);
        Checkpoint.Save(path, [g.Parameters], [baseline.Value]);
        var h = AutoGuide.FullRank(Sum, Unit.Value);
        var b2 = Baseline.Learned(0);
        Checkpoint.Load(path, [h.Parameters], [b2.Value]);
        File.Delete(path);
        Assert.Equal(1.25, h.Parameters.All["loc"][0].item<double>(), 12);
        Assert.Equal(3.5, b2.Value.item<double>(), 12);
    }
}
