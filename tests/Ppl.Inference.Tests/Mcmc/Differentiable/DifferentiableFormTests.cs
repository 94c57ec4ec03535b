using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Ppl.Tests.Shared;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.DifferentiableModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// The generated differentiable form against the model itself: its log density is <c>Assess</c> of the
/// constrained values plus log |det ∂x/∂u| (the Jacobian taken by finite differences of the constrained
/// values, so no bijector code of ours is trusted), and its gradient is the finite difference of its value.
/// </summary>
public class DifferentiableFormTests
{
    private static readonly double[] Data = [0.3, -1.2, 2.5, 0.8];

    private static ModelDensity<TArgs> Density<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations) =>
        Assert.IsType<ModelDensity<TArgs>>(ModelDensity.Create(model, args, observations));

    /// <summary>
    /// The form at random points against the model (<see cref="DifferentiableFormCheck.Mismatch"/>), and its value the
    /// same with and without the gradient.
    /// </summary>
    private static void CheckAgainstAssess<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, ulong seed, int points = 10)
    {
        var d = Density(model, args, observations);
        var rng = new Rng(seed);
        for (var p = 0; p < points; p++)
        {
            var u = Enumerable.Range(0, d.Dimension).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            Assert.Null(DifferentiableFormCheck.Mismatch(DifferentiableFormCheck.Form.Of(d), u, choices => model.Assess(args, observations.Merge(choices)).Weight));
            Assert.Equal(d.LogDensity(u), d.LogDensityAndGradient(u, new double[d.Dimension]), 12);
        }
    }

    [Fact]
    public void Generated_models_have_a_differentiable_form()
    {
        Assert.NotNull(M.NormalMeanModel.DifferentiableForm);
        Assert.NotNull(M.RegressionModel.DifferentiableForm);
        Assert.NotNull(M.FamiliesModel.DifferentiableForm);
        Assert.NotNull(M.GarchModel.DifferentiableForm);
        Assert.NotNull(M.SwitchModel.DifferentiableForm);
    }

    [Fact]
    public void Helpers_called_with_random_arguments_are_differentiated()
    {
        Assert.NotNull(M.WithHelperModel.DifferentiableForm);
        CheckAgainstAssess(M.WithHelperModel, Data, ChoiceMap.Empty, 10);
    }

    [Fact]
    public void A_call_the_generator_cannot_lower_is_named_in_the_reason()
    {
        Assert.Null(M.WithDelegateModel.DifferentiableForm);
        Assert.Contains("Invoke", M.WithDelegateModel.DifferentiableFormMissingReason);
        var e = Assert.Throws<NotSupportedException>(() => ModelDensity.Create(M.WithDelegateModel, default, ChoiceMap.Empty));
        Assert.Contains("PPL0012", e.Message);
    }

    [Fact]
    public void Every_continuous_family_with_dependent_parameters_matches_assess_and_finite_differences()
    {
        var obs = ChoiceMap.Empty;
        CheckAgainstAssess(M.FamiliesModel, (Data, true), obs, 1);
        CheckAgainstAssess(M.FamiliesModel, (Data, false), obs, 2);
    }

    [Fact]
    public void A_support_that_depends_on_another_choice_is_mapped_through_it()
    {
        var r = new[] { 0.1, -0.3, 0.25, 0.05, -0.15 };
        CheckAgainstAssess(M.GarchModel, (r, 0.2), ChoiceMap.Empty, 3);
        // β stays inside (0, 1 − α) wherever α moves.
        var d = Density(M.GarchModel, (r, 0.2), ChoiceMap.Empty);
        var rng = new Rng(4);
        for (var i = 0; i < 200; i++)
        {
            var u = Enumerable.Range(0, d.Dimension).Select(_ => 6 * rng.NextDouble() - 3).ToArray();
            var x = d.Constrain(u);
            Assert.InRange(x[3], 0, 1 - x[2]);
        }
        // A user's start, given as choices, maps to the unconstrained scale and back (β's bound follows α).
        var start = ChoiceMap.Empty.Set("mu", 0.1).Set("alpha0", 0.4).Set("alpha1", 0.3).Set("beta1", 0.6);
        var back = d.Constrain(d.Unconstrain(start));
        Assert.Equal([0.1, 0.4, 0.3, 0.6], back.Select(v => Math.Round(v, 12)));
        var run = McmcSampler.Sample(M.GarchModel, (r, 0.2), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 1, Warmup = 20, Draws = 20, Init = InitStrategy.Choices(start) }, new Rng(5));
        Assert.All(run.Draws[0], x => Assert.InRange(x[3], 0, 1 - x[2]));
    }

    [Fact]
    public void Constrained_samples_are_observations_and_loops_over_data_are_differentiated()
    {
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < Data.Length; i++) obs = obs.Set(new Address("y", i), Data[i]);
        var d = Density(M.NormalMeanModel, (Data, 0.5, 2.0, 1.3), obs);
        Assert.Equal(1, d.Dimension);
        Assert.Equal(new Address("mu"), d.Addresses[0]);
        CheckAgainstAssess(M.NormalMeanModel, (Data, 0.5, 2.0, 1.3), obs, 5);
        double[][] xs = [[1, 0.5], [1, -1.0], [1, 2.0]];
        CheckAgainstAssess(M.RegressionModel, (xs, 2.0, 1.0), ChoiceMap.Empty, 6);
    }

    [Fact]
    public void Loops_drawn_and_observed_as_families_match_assess_held_entries_included()
    {
        double[] y = [28, 8, -3, 7, -1], sigma = [15, 10, 16, 11, 9];
        CheckAgainstAssess(M.LoopFamiliesModel, (y, sigma), ChoiceMap.Empty, 21);
        // A held entry of a family (observed, so not a coordinate) takes the loop: the same density.
        var held = ChoiceMap.Empty.Set(new Address("eta", 1), 0.4).Set(new Address("z", 3), -2.0);
        CheckAgainstAssess(M.LoopFamiliesModel, (y, sigma), held, 22);
        Assert.DoesNotContain(new Address("eta", 1), Density(M.LoopFamiliesModel, (y, sigma), held).Addresses);
        CheckAgainstAssess(M.GatheredModel, (3, new[] { 0, 0, 2, 1, 2, 0 }, new[] { 1.0, 2.0, -0.5, 0.3, 4.0, 1.5 }), ChoiceMap.Empty, 23);
    }

    [Fact]
    public void A_data_scale_changed_between_evaluations_is_read_again()
    {
        double[] y = [28, 8, -3, 7, -1], sigma = [15, 10, 16, 11, 9];
        var d = Density(M.LoopFamiliesModel, (y, sigma), ChoiceMap.Empty);
        var u = Enumerable.Range(0, d.Dimension).Select(i => 0.1 * i - 0.4).ToArray();
        var before = d.LogDensity(u);
        sigma[1] = 3;
        var after = d.LogDensity(u);
        // log N(8; ·, 3) − log N(8; ·, 10) changes the density; a fresh density over the changed data agrees exactly.
        Assert.NotEqual(before, after);
        Assert.Equal(Density(M.LoopFamiliesModel, (y, (double[])sigma.Clone()), ChoiceMap.Empty).LogDensity(u), after, 12);
    }

    [Fact]
    public void An_invalid_scale_of_observations_made_after_their_loop_names_the_observation()
    {
        double[] y = [28, 8, -3, 7, -1], sigma = [15, 10, -16, 11, 9];
        var d = Density(M.LoopFamiliesModel, (y, sigma), ChoiceMap.Empty);
        var u = new double[d.Dimension];
        Assert.Equal(double.NegativeInfinity, d.LogDensity(u));
        var e = Assert.Throws<DistributionParameterException>(() => d.Check(u));
        Assert.Contains("y/2", e.Message);
        Assert.Contains("-16", e.Message);
    }

    [Fact]
    public void Sub_model_calls_with_random_arguments_are_differentiated_under_their_addresses()
    {
        double[] ya = [0.5, 1.5], yb = [-0.4, 0.2, 0.9];
        var d = Density(M.TwoGroupsModel, (ya, yb), ChoiceMap.Empty);
        Assert.Equal(["mu", "tau", "a/eta", "b/eta"], d.Addresses.Select(a => a.ToString()));
        CheckAgainstAssess(M.TwoGroupsModel, (ya, yb), ChoiceMap.Empty, 9);
    }

    [Fact]
    public void ChoiceGradients_are_exact_and_equal_finite_differences_of_assess()
    {
        var trace = M.FamiliesModel.Simulate((Data, true), new Rng(11));
        var selection = Selection.At("a", "s", "g", "u");
        var grads = M.FamiliesModel.ChoiceGradients(trace, selection);
        foreach (var name in new[] { "a", "s", "g", "u" })
        {
            var x = trace.Choices.Get<double>(name);
            var h = 1e-6 * (1 + Math.Abs(x));
            double Logp(double v) => M.FamiliesModel.Assess((Data, true), trace.Choices.Set(name, v)).Weight;
            var fd = (Logp(x + h) - Logp(x - h)) / (2 * h);
            Assert.True(Math.Abs(grads.Get<double>(name) - fd) < 1e-5 * (1 + Math.Abs(fd)), $"{name}: {grads.Get<double>(name)} vs {fd}");
        }
        Assert.False(grads.Contains("b"));
    }

    [Fact]
    public void Deterministic_quantities_are_reported_with_every_draw()
    {
        double[] y = [28, 8, -3, 7, -1, 1, 18, 12], sigma = [15, 10, 16, 11, 9, 11, 10, 18];
        var r = McmcSampler.Sample(M.EightSchoolsModel, (y, sigma), ChoiceMap.Empty, new NutsKernel(),
            new McmcSettings { Chains = 2, Warmup = 100, Draws = 50 }, new Rng(12));
        var names = r.Names.ToList();
        Assert.Equal(["mu", "tau"], names.Take(2));
        Assert.Equal(Enumerable.Range(0, 8).Select(j => $"theta/{j}").Append("tau2"), names.Skip(10));
        foreach (var draw in r.Draws.SelectMany(c => c))
        {
            for (var j = 0; j < 8; j++) Assert.Equal(draw[0] + draw[1] * draw[2 + j], draw[names.IndexOf($"theta/{j}")], 12);
            Assert.Equal(draw[1] * draw[1], draw[names.IndexOf("tau2")], 12);
        }
        // The generated model itself returns the value unchanged (traces do not record it).
        var trace = M.EightSchoolsModel.Simulate((y, sigma), new Rng(3));
        Assert.Equal(trace.Choices.Get<double>("tau") * trace.Choices.Get<double>("tau"), trace.Return, 12);
    }

    [Fact]
    public void Discrete_choices_are_held_and_their_probability_is_differentiated_in_its_parameters()
    {
        var obs = ChoiceMap.Empty.Set("y", 1.5).Set("z", true);
        var d = Density(M.SwitchModel, 1.5, obs);
        Assert.Equal(["p", "mu"], d.Addresses.Select(a => a.ToString()));
        CheckAgainstAssess(M.SwitchModel, 1.5, obs, 7);
        var e = Assert.Throws<DifferentiableLayoutException>(() => ModelDensity.Create(M.SwitchModel, 1.5, ChoiceMap.Empty.Set("y", 1.5)));
        Assert.Contains("'z'", e.Message);
    }

    [Fact]
    public void A_wrong_dimension_and_an_invalid_parameter_are_clear_errors()
    {
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < Data.Length; i++) obs = obs.Set(new Address("y", i), Data[i]);
        var d = Density(M.NormalMeanModel, (Data, 0.5, 2.0, 1.3), obs);
        var e = Assert.Throws<ArgumentException>(() => d.LogDensity([0.1, 0.2]));
        Assert.Contains("mu", e.Message);
        Assert.Contains("1 (mu)", e.Message);
        // A negative noise scale: the density is −∞ while sampling, and the check names the site and the parameter.
        var bad = Density(M.NormalMeanModel, (Data, 0.5, 2.0, -1.0), obs);
        Assert.Equal(double.NegativeInfinity, bad.LogDensity([0.3]));
        var pe = Assert.Throws<DistributionParameterException>(() => bad.Check([0.3]));
        Assert.Contains("y/0", pe.Message);
        Assert.Contains("-1", pe.Message);
    }

    [Fact]
    public void Nuts_on_a_model_matches_the_conjugate_posterior()
    {
        const double m0 = 0.5, s0 = 2.0, sigma = 1.3;
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < Data.Length; i++) obs = obs.Set(new Address("y", i), Data[i]);
        var precision = 1 / (s0 * s0) + Data.Length / (sigma * sigma);
        var mean = (m0 / (s0 * s0) + Data.Sum() / (sigma * sigma)) / precision;
        var variance = 1 / precision;
        var r = McmcSampler.Sample(M.NormalMeanModel, (Data, m0, s0, sigma), obs, new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 300, Draws = 1000 }, new Rng(8));
        Assert.Equal(["mu"], r.Names);
        MomentCheck.AssertMatches(r, 5, (x => x[0], mean), (x => (x[0] - mean) * (x[0] - mean), variance));
        // Negative control: the same check against a posterior with the noise scale wrong by a third fails.
        var wrongPrecision = 1 / (s0 * s0) + Data.Length / (sigma * sigma / 2.25);
        var wrongMean = (m0 / (s0 * s0) + Data.Sum() / (sigma * sigma / 2.25)) / wrongPrecision;
        Assert.True(MomentCheck.MaxZ(r, (x => x[0], wrongMean), (x => (x[0] - wrongMean) * (x[0] - wrongMean), 1 / wrongPrecision)) > 5);
    }
}
