using Ppl.Inference.Variational;
using Xunit;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Inference.Tests.Variational;

/// <summary>
/// The objectives on [Model] methods (<see cref="ViModels"/>): the conjugate model z ~ N(0,1), y ~ N(z,1) and its guides as
/// generated models give the exact ELBO, the IWELBO/HVI orderings and, trained, the exact optimum, as the dynamic models do.
/// </summary>
public class ModelObjectiveTests
{
    private const double Y = 1.5;
    private static readonly double LogEvidence = -0.5 * Math.Log(2 * Math.PI * 2) - Y * Y / 4; // log N(y; 0, 2)

    private static (double Mean, double Se) Evaluate(Expectation e, int n, ulong seed)
    {
        set_num_threads(1);
        using var scope = NewDisposeScope();
        var xs = new double[20];
        var rng = new Rng(seed);
        for (var i = 0; i < xs.Length; i++) xs[i] = e.Value(rng, n / xs.Length);
        return GradientCheck.MeanSe(xs);
    }

    /// <summary>The ELBO of the guide N(m, s²) against the conjugate model, in closed form.</summary>
    private static double ExactElbo(double m, double s) =>
        -0.5 * (m * m + s * s) - 0.5 * ((Y - m) * (Y - m) + s * s) + Math.Log(s) - Math.Log(2 * Math.PI) + 0.5 * Math.Log(2 * Math.PI * Math.E);

    [Fact]
    public void The_elbo_of_a_model_and_guide_written_as_models_is_exact_whichever_way_y_is_observed()
    {
        var q = Vi.Guide(ViModels.PoorModel, Unit.Value);
        var observed = Evaluate(Objectives.Elbo(ViModels.ConjugateModel, tensor(Y), q), 200_000, 1);
        Assert.InRange(observed.Mean, ExactElbo(0, 1) - 5 * observed.Se, ExactElbo(0, 1) + 5 * observed.Se);
        // A constrained Sample at y, the data given as observations (as importance sampling, SMC and MCMC take them): the
        // same objective.
        var bySample = Evaluate(Objectives.Elbo(ViModels.ConjugateBySampleModel, Unit.Value, ChoiceMap.Empty.Set("y", tensor(Y)), q), 200_000, 2);
        Assert.InRange(bySample.Mean, ExactElbo(0, 1) - 5 * bySample.Se, ExactElbo(0, 1) + 5 * bySample.Se);
        // Negative control: a wrong observation (y = 0) is many standard errors away from the exact ELBO at y = 1.5.
        var wrong = Evaluate(Objectives.Elbo(ViModels.ConjugateModel, tensor(0.0), q), 200_000, 3);
        Assert.True(Math.Abs(wrong.Mean - ExactElbo(0, 1)) > 20 * wrong.Se);
    }

    [Fact]
    public void Iwelbo_and_hierarchical_objectives_keep_their_order_on_models()
    {
        var y = tensor(Y);
        var q = Vi.Guide(ViModels.PoorModel, Unit.Value);
        var previous = Evaluate(Objectives.Elbo(ViModels.ConjugateModel, y, q), 100_000, 4);
        foreach (var n in new[] { 2, 10 })
        {
            var iw = Evaluate(Objectives.Iwelbo(ViModels.ConjugateModel, y, q, n), 50_000, (ulong)(10 + n));
            Assert.True(iw.Mean > previous.Mean, $"IWELBO_{n} {iw.Mean} not above {previous.Mean}");
            Assert.True(iw.Mean < LogEvidence, $"IWELBO_{n} {iw.Mean} above log p(y) {LogEvidence}");
            previous = iw;
        }
        var z = Selection.At("z");
        var hvi = Evaluate(Objectives.Hvi(ViModels.ConjugateModel, y, ViModels.HierarchicalModel, Unit.Value, z), 100_000, 5);
        var iwhvi = Evaluate(Objectives.Iwhvi(ViModels.ConjugateModel, y, ViModels.HierarchicalModel, Unit.Value, z, 10), 40_000, 6);
        Assert.True(hvi.Mean < iwhvi.Mean, $"HVI {hvi.Mean} not below IWHVI {iwhvi.Mean}");
        Assert.True(iwhvi.Mean < ExactElbo(0.3, Math.Sqrt(0.89)) + 4 * iwhvi.Se);
    }

    [Fact]
    public void A_sub_model_call_is_traced_under_its_address()
    {
        var guide = DynamicModel.Create("q", t =>
        {
            t.Sample(new Address("p", "z"), new T.Normal(tensor(0.0), tensor(1.0)));
            return Unit.Value;
        });
        // The guide names the callee's choice p/z, so the ELBO is the conjugate one, exactly.
        var e = Evaluate(Objectives.Elbo(ViModels.WithSubModelModel, tensor(Y), Vi.Guide(guide, Unit.Value)), 200_000, 7);
        Assert.InRange(e.Mean, ExactElbo(0, 1) - 5 * e.Se, ExactElbo(0, 1) + 5 * e.Se);
    }

    [Fact]
    public void An_auto_guide_of_a_model_reaches_the_exact_posterior()
    {
        set_num_threads(1);
        var guide = AutoGuide.MeanField(ViModels.ConjugateModel, tensor(Y));
        var objective = Objectives.Elbo(ViModels.ConjugateModel, tensor(Y), guide);
        Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = 1500, LearningRate = 0.02, Particles = 64 }, new Rng(8));
        var value = Evaluate(objective, 100_000, 9);
        // The optimum of the mean-field family is the exact posterior N(y/2, 1/2): the ELBO reaches log p(y).
        Assert.InRange(value.Mean, LogEvidence - 0.01, LogEvidence + 1e-9 + 4 * value.Se);
    }

    [Fact]
    public void A_guide_written_as_a_model_with_params_trains_to_the_exact_optimum()
    {
        set_num_threads(1);
        var guide = ViGuides.GaussianModel;
        var objective = Objectives.Elbo(ViModels.ConjugateModel, tensor(Y), Vi.Guide(guide, Unit.Value));
        Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = 1500, LearningRate = 0.02, Particles = 64 }, new Rng(7));
        var parameters = guide.Parameters.All;
        var m = parameters["m"].item<double>();
        var s2 = Math.Exp(2 * parameters["log_s"].item<double>());
        // The exact posterior N(y/2, 1/2); tolerances as the dynamic guide's test (Adam's noise at this step size).
        Assert.InRange(m, Y / 2 - 0.05, Y / 2 + 0.05);
        Assert.InRange(s2, 0.45, 0.55);
    }

    [Fact]
    public void A_model_over_doubles_gets_the_exact_elbo_and_its_gradient_through_its_differentiable_form()
    {
        // The model's sites are doubles; the guide's draws are tensors. Value: the closed-form ELBO of N(0, 1).
        var q = Vi.Guide(ViModels.PoorModel, Unit.Value);
        var elbo = Evaluate(Objectives.Elbo(ViModels.ConjugateOverDoublesModel, Y, q), 100_000, 11);
        Assert.InRange(elbo.Mean, ExactElbo(0, 1) - 5 * elbo.Se, ExactElbo(0, 1) + 5 * elbo.Se);
        // Gradient: a guide with parameters trained on it reaches the exact posterior N(y/2, 1/2).
        set_num_threads(1);
        var guide = DynamicModel.Create("q", t =>
        {
            var m = t.Param("m", () => tensor(0.0));
            var logS = t.Param("log_s", () => tensor(0.0));
            t.Sample("z", new T.Normal(m, logS.exp()));
            return Unit.Value;
        });
        var objective = Objectives.Elbo(ViModels.ConjugateOverDoublesModel, Y, Vi.Guide(guide, Unit.Value));
        Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = 600, LearningRate = 0.03, Particles = 16 }, new Rng(12));
        var mean = guide.Parameters.All["m"].item<double>();
        var s2 = Math.Exp(2 * guide.Parameters.All["log_s"].item<double>());
        Assert.InRange(mean, Y / 2 - 0.08, Y / 2 + 0.08);
        Assert.InRange(s2, 0.4, 0.6);
        // Negative control: the same training against the model with a wrong observation (y = 0) ends far from y/2.
        var wrongGuide = DynamicModel.Create("q0", t =>
        {
            var m = t.Param("m", () => tensor(0.0));
            var logS = t.Param("log_s", () => tensor(0.0));
            t.Sample("z", new T.Normal(m, logS.exp()));
            return Unit.Value;
        });
        Trainer.Maximize(Objectives.Elbo(ViModels.ConjugateOverDoublesModel, 0.0, Vi.Guide(wrongGuide, Unit.Value)), [wrongGuide.Parameters],
            new TrainOptions { Steps = 600, LearningRate = 0.03, Particles = 16 }, new Rng(12));
        Assert.True(Math.Abs(wrongGuide.Parameters.All["m"].item<double>() - Y / 2) > 0.5);
    }

    [Fact]
    public void A_double_choice_is_named_with_what_to_use_instead()
    {
        var e = Assert.Throws<NotSupportedException>(() => new Expectation(vi => vi.Sim(ViModels.DoubleChoiceModel, Unit.Value).LogDensity).Value(new Rng(1), 2));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("tensor", e.Message);
    }
}
