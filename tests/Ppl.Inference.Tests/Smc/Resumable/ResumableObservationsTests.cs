using Ppl.Inference.Smc;
using Ppl.Modeling;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc.Resumable;

/// <summary>
/// The state machine given observations as values (issue 17, "one seam"): a Sample at an observed address is an Observe of
/// the value and a pause, exactly as replay treats it, so SMC on a [Model] observed through constrained Sample sites runs
/// on the state machine (O(T)) and gives replay's run under a seed: the same resampling events, ancestors, returns and
/// final choices, and log Ẑ, every step's evidence and ESS equal to rounding. Where the lowering cannot pause after a Sample, SMC replays and says why.
/// </summary>
public class ResumableObservationsTests(ITestOutputHelper output)
{
    private const int T = 10;
    private static readonly double[] Ys = SmcModels.SimulateLgssm(T, 42);

    private static ChoiceMap Observations(double[] ys, string name = "y")
    {
        var m = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i++) m = m.Set(new Address(name, i + 1), ys[i]);
        return m;
    }

    /// <summary>
    /// Two runs are the same run: the same resampling events, ancestors, returns and final choices, and the same evidence
    /// and weights to rounding (as <see cref="ResumableSmcTests"/> compares its runs: the flat driver sums a step's
    /// increments and normalises the weights in its own order, so the last bit or two of a double may differ).
    /// </summary>
    private static void Same<TArgs, TRet>(SmcResult<TArgs, TRet> replay, SmcResult<TArgs, TRet> resumable)
    {
        Assert.Equal(replay.LogEvidence, resumable.LogEvidence, 10);
        Assert.Equal(replay.Steps.Select(s => (s.Step, s.Resampled, s.UniqueAncestors)), resumable.Steps.Select(s => (s.Step, s.Resampled, s.UniqueAncestors)));
        Assert.All(replay.Steps.Zip(resumable.Steps), p => Assert.Equal(p.First.LogEvidence, p.Second.LogEvidence, 10));
        Assert.All(replay.Steps.Zip(resumable.Steps), p => Assert.Equal(p.First.EffectiveSampleSize, p.Second.EffectiveSampleSize, 9));
        Assert.Equal(replay.Returns, resumable.Returns);
        Assert.All(replay.Population.LogWeights.Zip(resumable.Population.LogWeights), p => Assert.Equal(p.First, p.Second, 10));
        Assert.Equal(replay.SurvivingLineages, resumable.SurvivingLineages);
        for (var i = 0; i < replay.Population.Count; i++)
        {
            var (a, b) = (replay.Samples.Traces[i], resumable.Samples.Traces[i]);
            Assert.Equal(a.Choices.Leaves.Select(l => (l.Address, l.Value)), b.Choices.Leaves.Select(l => (l.Address, l.Value)));
            Assert.Equal(a.Score, b.Score, 10);
        }
    }

    [Fact]
    public void Models_whose_samples_are_statements_take_observations_and_one_that_cannot_says_why()
    {
        Assert.True(ResumableModels.LgssmSampledResumable.TakesObservations);
        Assert.True(ResumableModels.MixedSampledResumable.TakesObservations);
        Assert.True(ConditioningModels.LgssmResumable.TakesObservations);
        Assert.True(Smc2Models.LgssmWithUniformASampledYResumable.TakesObservations);
        Assert.True(PmmhModels.LgssmWithUnknownAResumable.TakesObservations);
        // The README's every-algorithm model, its data given as values of Sample sites.
        Assert.True(Ppl.Examples.EveryAlgorithmModels.SwitchResumable.TakesObservations);
        Assert.Null(ResumableModels.LgssmSampledResumable.ObservationsFallbackReason);
        // Still lowered for SMC without observations, but a Sample in a condition cannot be followed by a pause.
        var inCondition = ResumableModels.SampledInConditionResumable;
        Assert.True(inCondition.IsResumable);
        Assert.False(inCondition.TakesObservations);
        Assert.Contains("IfStatement", inCondition.ObservationsFallbackReason);
        Assert.Throws<NotSupportedException>(() => inCondition.Start(T, Observations(Ys)));
        // A model that is not lowered at all takes nothing, for the same reason.
        Assert.False(ResumableModels.GuardedResumable.TakesObservations);
        Assert.Equal(ResumableModels.GuardedResumable.FallbackReason, ResumableModels.GuardedResumable.ObservationsFallbackReason);
    }

    /// <summary>The flat driver (plain stream) against the engine on the replay form, under every resampling policy and on two threads.</summary>
    [Theory]
    [InlineData(0.5, int.MaxValue, 2, 1UL)]
    [InlineData(1.0, int.MaxValue, 1, 2UL)]
    [InlineData(1.0, 4, 2, 3UL)]
    [InlineData(0.0, int.MaxValue, 1, 4UL)]
    public void Observed_sample_sites_on_the_state_machine_give_replays_run(double threshold, int steps, int threads, ulong seed)
    {
        var smc = new SmcOptions { EssThreshold = threshold, Steps = steps };
        var options = new RunOptions { MaxDegreeOfParallelism = threads };
        var model = ResumableModels.LgssmSampledResumable;
        var resumable = ResumableSmc.Run(model, T, Observations(Ys), 100, new Rng(seed), smc, options);
        var replay = ResumableSmc.Run(model, T, Observations(Ys), 100, new Rng(seed), smc, options, replay: true);
        Assert.StartsWith("SMC (resumable", resumable.Algorithm);
        Assert.StartsWith("SMC (replay", replay.Algorithm);
        // T pauses (one per observed y), then the run to the end, as for the model written with Observe.
        if (steps == int.MaxValue) Assert.Equal(T + 1, resumable.Steps.Count);
        Same(replay, resumable);
        // The observed y are observations, not choices: the paused particles hold x₀..x_T only.
        Assert.All(resumable.Population.Particles, t => Assert.Equal(T + 1, t.Choices.Leaves.Count()));
        // The result's traces of the model itself hold the observed values (not draws), on both paths.
        Assert.All(resumable.Samples.Traces.Concat(replay.Samples.Traces), t => Assert.Equal(Ys[3], t.Choices.Get<double>(new Address("y", 4))));
        Assert.Equal(2 * T + 1, resumable.Samples.Traces[0].Choices.Leaves.Count());
        // The model itself, through BootstrapSmc, finds the state machine.
        var front = BootstrapSmc.Run(ResumableModels.LgssmSampledModel, T, Observations(Ys), 100, new Rng(seed), smc, options);
        Assert.StartsWith("SMC (resumable", front.Algorithm);
        Assert.Equal(resumable.LogEvidence, front.LogEvidence); // the same path: exactly
    }

    [Fact]
    public void The_engine_over_the_resumable_function_is_replay_too()
    {
        // The generic path (Update per particle-step, cloning), which the exact enumerator and the SMC² inner filters use.
        var model = ResumableModels.LgssmSampledResumable;
        var smc = SmcEngine.Resampling<ITrace<(int Args, int Pauses), Paused<double>>>(new SmcOptions { EssThreshold = 0.5 });
        var resumable = SmcEngine.Run(model.Function, new ResumableFunction<int, double>(model, Observations(Ys)), T, 50, smc, int.MaxValue, "resumable", new Rng(8), null);
        var replay = SmcEngine.Run(model.Function, new PausingModel<int, double>(model.Replay, Observations(Ys)).Function, T, 50, smc, int.MaxValue, "replay", new Rng(8), null);
        Same(replay, resumable);
    }

    [Fact]
    public void Every_construct_with_some_samples_observed_gives_replays_run()
    {
        const int steps = 7;
        var rng = new Rng(99);
        var observations = ChoiceMap.Empty.Set(new Address("jump", 1), true).Set(new Address("jump", 4), false).Set("end", 0.25);
        for (var t = 0; t < steps; t++)
        {
            observations = observations.Set(new Address("y", 2 * t), rng.NextGaussian());
            if (t % 2 == 1) observations = observations.Set(new Address("y", 2 * t + 1), rng.NextGaussian());
        }
        var model = ResumableModels.MixedSampledResumable;
        foreach (var seed in new ulong[] { 1, 2, 3 })
        {
            var smc = new SmcOptions { EssThreshold = 0.5 };
            var a = ResumableSmc.Run(model, steps, observations, 40, new Rng(seed), smc);
            var b = ResumableSmc.Run(model, steps, observations, 40, new Rng(seed), smc, replay: true);
            Assert.StartsWith("SMC (resumable", a.Algorithm);
            Same(b, a);
            // Every observation is a pause: 2 jumps, 10 y's, 7 z's (Observe), the jump factor at t = 1, the end; then the
            // return (and a factor at every unobserved jump a particle draws, so the longest run may have more).
            Assert.True(a.Steps.Count >= 2 + 10 + 7 + 1 + 1 + 1, $"{a.Steps.Count} steps");
        }
        // An observed Sample is not a particle's choice; the model's traces in the result carry the given value.
        var run = ResumableSmc.Run(model, steps, observations, 5, new Rng(4));
        Assert.All(run.Population.Particles, t => Assert.False(t.Choices.Contains(new Address("jump", 1))));
        Assert.All(run.Samples.Traces, t => Assert.True(t.Choices.Get<bool>(new Address("jump", 1))));
    }

    [Fact]
    public void A_model_that_cannot_pause_after_a_sample_replays_with_the_same_result()
    {
        var observations = Observations(Ys);
        var a = ResumableSmc.Run(ResumableModels.SampledInConditionResumable, T, observations, 30, new Rng(6));
        var b = ResumableSmc.Run(ResumableModels.SampledInConditionResumable, T, observations, 30, new Rng(6), replay: true);
        Assert.StartsWith("SMC (replay", a.Algorithm);
        Assert.Equal(b.LogEvidence, a.LogEvidence);
        // Without observations it still runs on its state machine.
        Assert.StartsWith("SMC (resumable", ResumableSmc.Run(ResumableModels.SampledInConditionResumable, T, 30, new Rng(6)).Algorithm);
    }

    [Fact]
    public void A_misspelled_observation_is_an_error_naming_the_closest_address()
    {
        var e = Assert.Throws<UnvisitedConstraintsException>(() => ResumableSmc.Run(ResumableModels.LgssmSampledResumable, T, Observations(Ys, "yy"), 20, new Rng(1)));
        Assert.Contains("'yy/1'", e.Message);
        Assert.Contains("'y/1'", e.Message);
        Assert.Equal(T, e.Unvisited.Count);
        // Negative control: the same observations spelled right run.
        Assert.Equal(T + 1, ResumableSmc.Run(ResumableModels.LgssmSampledResumable, T, Observations(Ys), 20, new Rng(1)).Steps.Count);
    }

    [Fact]
    public void The_evidence_is_unbiased_against_the_kalman_filter()
    {
        var (logZ, _, _) = SmcModels.Kalman(Ys);
        var rng = new Rng(31);
        var ratios = new List<double>();
        var ignored = new List<double>();
        for (var r = 0; r < 300; r++)
        {
            var run = ResumableSmc.Run(ResumableModels.LgssmSampledResumable, T, Observations(Ys), 20, rng.Split(), options: new RunOptions { MaxDegreeOfParallelism = 1 });
            ratios.Add(Math.Exp(run.LogEvidence - logZ));
            // Negative control: other data (shifted by 3) do not give this evidence.
            if (r < 100)
                ignored.Add(Math.Exp(ResumableSmc.Run(ResumableModels.LgssmSampledResumable, T, Observations(Ys.Select(y => y + 3).ToArray()), 20, rng.Split()).LogEvidence - logZ));
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        var (w, wse) = SmcModels.MeanAndSe(ignored);
        output.WriteLine($"E[Ẑ/Z] = {m:F4} ± {se:F4}; shifted data {w:F4} ± {wse:F4}");
        Assert.True(Math.Abs(m - 1) < 5 * se, $"E[Ẑ/Z] = {m} ± {se}");
        Assert.True(Math.Abs(w - 1) > 5 * Math.Max(se, wse), $"shifted data passed: {w} ± {wse}");
    }

    [Fact]
    public void Observed_samples_on_the_state_machine_do_linear_body_work_replay_quadratic()
    {
        long Work(int steps, bool replay)
        {
            var data = SmcModels.SimulateLgssm(steps, 9);
            var before = ResumableModels.SampledTicks;
            ResumableSmc.Run(ResumableModels.LgssmSampledResumable, steps, Observations(data), 10, new Rng(1),
                options: new RunOptions { MaxDegreeOfParallelism = 1 }, replay: replay);
            return ResumableModels.SampledTicks - before;
        }
        var (r10, r40) = (Work(10, false), Work(40, false));
        var (p10, p40) = (Work(10, true), Work(40, true));
        output.WriteLine($"loop iterations: resumable T=10 {r10}, T=40 {r40}; replay T=10 {p10}, T=40 {p40}");
        Assert.Equal(10 * 10, r10); // N·T: each iteration runs once per particle
        Assert.Equal(10 * 40, r40);
        Assert.True(p40 / (double)p10 > 12, $"replay should grow like T²: {p10} → {p40}");
    }

    [Fact]
    public void Smc2_and_pmmh_on_a_model_run_its_state_machine_and_give_the_replays_run()
    {
        // SMC² with θ = a given to the inner filters as an observation, and the data as observed Sample sites.
        var a = Selection.At(new Address("a"));
        var settings = new Smc2Settings { EssThreshold = 0.8 };
        var serial = new RunOptions { MaxDegreeOfParallelism = 1 };
        var y = Observations(Ys);
        var machine = Smc2.Model(Smc2Models.LgssmWithUniformASampledYModel, T, y, a, 8, 8, new Rng(5), settings, serial);
        var replay = Smc2.Model(Smc2Models.LgssmWithUniformASampledYResumable.Replay, T, y, a, 8, 8, new Rng(5), settings, serial);
        Assert.Contains(machine.Steps, s => s.Resampled);
        Assert.Equal(replay.LogEvidence, machine.LogEvidence, 10);
        Assert.Equal(replay.Parameters.Select(c => c.Get<double>("a")), machine.Parameters.Select(c => c.Get<double>("a")));
        Assert.All(replay.LogWeights.Zip(machine.LogWeights), p => Assert.Equal(p.First, p.Second, 10));
        // PMMH: θ = k given as an observation to bootstrap SMC on the model.
        var grid = GridPosterior.Grid;
        static (ChoiceMap, double) Other(ChoiceMap theta, Rng rng) => (theta.Set("k", (theta.Get<int>("k") + 1 + rng.Next(2)) % GridPosterior.Grid.Length), 0.0);
        var k0 = ChoiceMap.Empty.Set("k", 1);
        var p = Pmmh.Model(PmmhModels.LgssmWithUnknownAModel, (Ys, grid), ChoiceMap.Empty, k0, Other, 10, 50, new Rng(7));
        var q = Pmmh.Model(PmmhModels.LgssmWithUnknownAResumable.Replay, (Ys, grid), ChoiceMap.Empty, k0, Other, 10, 50, new Rng(7));
        Assert.Equal(q.Chain.Select(c => c.Get<int>("k")), p.Chain.Select(c => c.Get<int>("k")));
        Assert.All(q.LogLikelihoods.Zip(p.LogLikelihoods), z => Assert.Equal(z.First, z.Second, 10));
        Assert.InRange(p.AcceptanceRate, 0.01, 0.99);
    }
}
