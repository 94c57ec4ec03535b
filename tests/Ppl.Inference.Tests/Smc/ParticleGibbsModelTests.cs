using Ppl.Inference.Smc;
using Ppl.Inference.Tests.Mcmc;
using Ppl.Inference.Tests.Smc.Resumable;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// Conditional SMC and particle Gibbs on [Model] methods: smoothing means of the LGSSM against the exact Gaussian
/// posterior (and the Kalman filter), the transition coefficient's grid posterior against the exact one and the
/// struct-based particle Gibbs.
/// </summary>
public class ParticleGibbsModelTests(ITestOutputHelper output)
{
    private static readonly double[] Data = SmcModels.SimulateLgssm(8, 4);

    /// <summary>
    /// The exact smoothing means E[xₜ | y₁..y_T] of the LGSSM (a = 0.9): the posterior of x₀..x_T is Gaussian with a
    /// tridiagonal precision (prior 1 on x₀, transitions (xₜ − a xₜ₋₁)², observations 4(yₜ − xₜ)²); solve it by the Thomas algorithm.
    /// </summary>
    private static double[] SmoothingMeans(double[] ys, double a = 0.9)
    {
        var n = ys.Length + 1;
        var diag = new double[n];
        var off = new double[n - 1];
        var b = new double[n];
        diag[0] = 1;
        for (var t = 1; t < n; t++)
        {
            diag[t - 1] += a * a;
            diag[t] += 1 + 4;
            off[t - 1] = -a;
            b[t] = 4 * ys[t - 1];
        }
        var c = new double[n];
        var d = new double[n];
        c[0] = n > 1 ? off[0] / diag[0] : 0;
        d[0] = b[0] / diag[0];
        for (var i = 1; i < n; i++)
        {
            var m = diag[i] - off[i - 1] * c[i - 1];
            c[i] = i < n - 1 ? off[i] / m : 0;
            d[i] = (b[i] - off[i - 1] * d[i - 1]) / m;
        }
        var x = new double[n];
        x[n - 1] = d[n - 1];
        for (var i = n - 2; i >= 0; i--) x[i] = d[i] - c[i] * x[i + 1];
        return x;
    }

    private static double[][] Chains(Func<Rng, double[]> chain, ulong seed, int count = 4)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, count).Select(_ => chain(rng.Split())).ToArray();
    }

    [Fact]
    public void The_exact_smoother_agrees_with_the_Kalman_filter_at_the_last_state()
    {
        var (_, mean, _) = SmcModels.Kalman(Data, 0.9);
        Assert.Equal(mean, SmoothingMeans(Data)[^1], 10);
    }

    [Fact]
    public void Conditional_smc_on_a_model_has_the_smoothing_means_and_unconditional_sweeps_do_not()
    {
        // N = 4 particles: conditional SMC is exact for any N ≥ 2, while the draw of an unconditional 4-particle filter
        // (the same sweep without the reference: the negative control) is biased. With ancestor sampling every state
        // mixes; without it the early states barely move when T ≫ N (path degeneracy), so that chain is checked at x_T only.
        var exact = SmoothingMeans(Data);
        var model = ResumableModels.LgssmModel;
        var single = new RunOptions { MaxDegreeOfParallelism = 1 };
        var reference = ConditionalSmc.Initial(model, Data, ChoiceMap.Empty, 10, new Rng(1), single);
        Assert.Equal(Data.Length + 1, reference.Count);
        Assert.False(reference.Contains(new Address("y", 1)));
        int[] states = [0, Data.Length / 2, Data.Length];
        double[][][] Run(Func<ChoiceMap, Rng, ChoiceMap> sweep)
        {
            var rng = new Rng(11);
            var chains = Enumerable.Range(0, 4).Select(_ =>
            {
                var r = rng.Split();
                var current = reference;
                var draws = new double[300][];
                for (var i = 0; i < draws.Length; i++)
                {
                    current = sweep(current, r);
                    draws[i] = states.Select(t => current.Get<double>(new Address("x", t))).ToArray();
                }
                return draws;
            }).ToArray();
            return states.Select((_, j) => chains.Select(c => c.Select(d => d[j]).ToArray()).ToArray()).ToArray();
        }
        var ancestor = Run((c, r) => ConditionalSmc.Run(model, Data, ChoiceMap.Empty, c, 4, r, single));
        var plain = Run((c, r) => ConditionalSmc.Run(model, Data, ChoiceMap.Empty, c, 4, r, single, ancestorSampling: false));
        var filter = Run((_, r) => ConditionalSmc.Initial(model, Data, ChoiceMap.Empty, 4, r, single));
        for (var j = 0; j < states.Length; j++)
        {
            var t = states[j];
            var good = MomentCheck.Of(ancestor[j], exact[t], minEss: 200);
            var noAs = MomentCheck.Of(plain[j], exact[t], minEss: 200);
            var bad = MomentCheck.Of(filter[j], exact[t], minEss: 200);
            output.WriteLine($"E[x_{t}]: ancestor sampling {good}; without {noAs}; unconditional 4-particle draws (negative control) {bad}");
            Assert.True(Math.Abs(good.Z) <= 5, $"E[x_{t}] with ancestor sampling: {good}");
            if (t == Data.Length)
            {
                Assert.True(Math.Abs(noAs.Z) <= 5, $"E[x_{t}] without ancestor sampling: {noAs}");
                Assert.True(Math.Abs(bad.Z) > 5, $"negative control passed: {bad}");
            }
        }
    }

    [Fact]
    public void Particle_gibbs_on_a_model_recovers_the_grid_posterior_as_the_struct_version_does()
    {
        // a = grid[k] is a choice of the [Model]; each iteration: a CSMC sweep at the current k, then MH on k (prior proposals).
        var exact = GridPosterior.Posterior;
        var settings = new ParticleGibbsSettings { Parameters = Selection.At("k"), ParameterSteps = 2 };
        var single = new RunOptions { MaxDegreeOfParallelism = 1 };
        var rng = new Rng(23);
        var runs = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Model(PmmhModels.LgssmWithUnknownAModel, (GridPosterior.Data, GridPosterior.Grid),
            ChoiceMap.Empty, 5, 200, rng.Split(), settings, single)).ToArray();
        // The chains start from one draw of a 5-particle filter: the first 50 iterations are burn-in.
        var model = GridPosterior.Frequencies(runs.Select(r => r.Values("k").Skip(50).Select(v => (int)v).ToArray()).ToArray());
        var ok = GridPosterior.Matches(model, exact, out var report);
        output.WriteLine($"particle Gibbs on the [Model]: {report}; MH acceptance on k {runs.Average(r => r.ParameterAcceptanceRate):F2}");
        Assert.True(ok, report);
        Assert.All(runs[0].Chain, c => Assert.Equal(GridPosterior.Data.Length + 2, c.Count));

        // The struct-based particle Gibbs (exact Gibbs update of a) on the same model and data: the two chains' grid frequencies agree.
        var structRng = new Rng(29);
        var structChains = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Run<LgssmStruct, double, int>(
            k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), ParticleGibbsTests.UpdateA, 1, 5, 600, structRng.Split()).Parameters).ToArray();
        var byStruct = GridPosterior.Frequencies(structChains);
        for (var k = 0; k < exact.Length; k++)
        {
            static double Se((double Mean, double Mcse, int Draws) f, double p) => Math.Max(f.Mcse, Math.Sqrt(p * (1 - p) / f.Draws));
            var se = Math.Sqrt(Math.Pow(Se(model[k], exact[k]), 2) + Math.Pow(Se(byStruct[k], exact[k]), 2));
            output.WriteLine($"a = {GridPosterior.Grid[k]}: [Model] {model[k].Mean:F3}, struct {byStruct[k].Mean:F3}, exact {exact[k]:F3}, SE of the difference {se:F3}");
            Assert.True(Math.Abs(model[k].Mean - byStruct[k].Mean) <= 5 * se, $"a = {GridPosterior.Grid[k]}: {model[k].Mean} vs {byStruct[k].Mean} ± {se}");
        }

        // Negative control: the same chain with the parameter held by the sweeps but never moved stays at its start.
        var stuck = ParticleGibbs.Model(PmmhModels.LgssmWithUnknownAModel, (GridPosterior.Data, GridPosterior.Grid), ChoiceMap.Empty, 5, 100, new Rng(23),
            settings with { ParameterSteps = 0 }, single);
        var bad = GridPosterior.Matches(GridPosterior.Frequencies([stuck.Values("k").Select(v => (int)v).ToArray()]), exact, out var wrongReport);
        output.WriteLine($"negative control: {wrongReport}");
        Assert.False(bad, "negative control passed: " + wrongReport);
    }

    [Fact]
    public void Particle_gibbs_on_a_model_with_an_enumerative_gibbs_parameter_kernel_recovers_the_grid_posterior()
    {
        // The exact Gibbs update of k given the path, as the struct-based test's UpdateA, through an MCMC trace kernel.
        var exact = GridPosterior.Posterior;
        var settings = new ParticleGibbsSettings { Parameters = Selection.At("k") };
        var kernel = new Ppl.Inference.Mcmc.EnumerativeGibbs<(double[], double[]), double>("k");
        var rng = new Rng(31);
        var runs = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Model(PmmhModels.LgssmWithUnknownAModel, (GridPosterior.Data, GridPosterior.Grid),
            ChoiceMap.Empty, 5, 120, rng.Split(), settings, new RunOptions { MaxDegreeOfParallelism = 1 }, kernel)).ToArray();
        var ok = GridPosterior.Matches(GridPosterior.Frequencies(runs.Select(r => r.Values("k").Skip(20).Select(v => (int)v).ToArray()).ToArray()), exact, out var report);
        output.WriteLine($"particle Gibbs with enumerative Gibbs on k: {report}");
        Assert.True(ok, report);
        Assert.Throws<ArgumentException>(() => ParticleGibbs.Model(PmmhModels.LgssmWithUnknownAModel, (GridPosterior.Data, GridPosterior.Grid),
            ChoiceMap.Empty, 5, 1, new Rng(1), parameterKernel: kernel));
    }

    [Fact]
    public void Enumerated_over_every_draw_conditional_smc_leaves_the_posterior_invariant()
    {
        // A reference drawn from the exact posterior of a two-step discrete chain, then one sweep with N = 2: under the
        // exact enumerator the output's distribution is computed exactly and must be the posterior again (1e-12), with and
        // without ancestor sampling. The unconditional 2-particle filter's draw (negative control) is not.
        double[] ys = [1.4, -0.3];
        static double N(double y, bool s) => Math.Exp(-0.5 * (y - (s ? 1 : 0)) * (y - (s ? 1 : 0)));
        var states = new[] { (false, false), (false, true), (true, false), (true, true) };
        var joint = states.Select(s => (s.Item1 ? 0.4 : 0.6) * N(ys[0], s.Item1) * (s.Item2 ? (s.Item1 ? 0.8 : 0.3) : (s.Item1 ? 0.2 : 0.7)) * N(ys[1], s.Item2)).ToArray();
        var posterior = joint.Select(j => j / joint.Sum()).ToArray();
        ChoiceMap Choices((bool, bool) s) => ChoiceMap.Empty.Set("s1", s.Item1).Set("s2", s.Item2);
        int Index(ChoiceMap c) => Array.IndexOf(states, (c.Get<bool>("s1"), c.Get<bool>("s2")));
        double[] After(Func<ChoiceMap, Rng, ChoiceMap> sweep)
        {
            var result = Ppl.Enumeration.Enumerate.Program(rng => Index(sweep(Choices(states[rng.DrawIndex(posterior)]), rng)));
            return Enumerable.Range(0, states.Length).Select(i => result.Probability(e => e.Value == i)).ToArray();
        }
        var model = TemperedSmcModels.TwoStepModel;
        var withAs = After((c, r) => ConditionalSmc.Run(model, ys, ChoiceMap.Empty, c, 2, r));
        var withoutAs = After((c, r) => ConditionalSmc.Run(model, ys, ChoiceMap.Empty, c, 2, r, ancestorSampling: false));
        var filter = After((_, r) => ConditionalSmc.Initial(model, ys, ChoiceMap.Empty, 2, r));
        output.WriteLine($"posterior {string.Join(", ", posterior.Select(p => p.ToString("F6")))}; after CSMC with AS {string.Join(", ", withAs.Select(p => p.ToString("F6")))}; " +
            $"without {string.Join(", ", withoutAs.Select(p => p.ToString("F6")))}; 2-particle filter {string.Join(", ", filter.Select(p => p.ToString("F6")))}");
        for (var i = 0; i < states.Length; i++)
        {
            Assert.Equal(posterior[i], withAs[i], 12);
            Assert.Equal(posterior[i], withoutAs[i], 12);
        }
        Assert.True(posterior.Zip(filter).Max(p => Math.Abs(p.First - p.Second)) > 1e-3, "negative control passed");
    }

    [Fact]
    public void Bad_references_and_parameters_are_named()
    {
        var model = ResumableModels.LgssmModel;
        var reference = ConditionalSmc.Initial(model, Data, ChoiceMap.Empty, 4, new Rng(1));
        var missing = Assert.Throws<ArgumentException>(() => ConditionalSmc.Run(model, Data, ChoiceMap.Empty, reference.Without(new Address("x", 3)), 4, new Rng(2)));
        Assert.Contains("x/3", missing.Message.Replace(" ", ""));
        var extra = Assert.ThrowsAny<ModelException>(() => ConditionalSmc.Run(model, Data, ChoiceMap.Empty, reference.Set(new Address("z"), 1.0), 4, new Rng(2)));
        Assert.Contains("z", extra.Message);
        var unknown = Assert.Throws<UnknownAddressException>(() => ParticleGibbs.Model(model, Data, ChoiceMap.Empty, 4, 2, new Rng(3),
            new ParticleGibbsSettings { Parameters = Selection.At("sigma") }));
        Assert.Contains("sigma", unknown.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConditionalSmc.Run(model, Data, ChoiceMap.Empty, reference, 1, new Rng(2)));
        var chain = ParticleGibbs.Model(model, Data, ChoiceMap.Empty, 4, 3, new Rng(3));
        Assert.Throws<ArgumentException>(() => chain.Values(new Address("y", 1)));
        Assert.True(double.IsNaN(chain.ParameterAcceptanceRate));
    }

    [Fact]
    public void Conditional_smc_is_the_same_on_a_dynamic_model_a_model_and_data_given_as_a_choice_map()
    {
        // The [Model] runs through its replay form, observed Sample sites become Observe (and pauses): under one seed the
        // three ways of writing the LGSSM give the same sweeps.
        var observations = ChoiceMap.Empty;
        for (var t = 1; t <= Data.Length; t++) observations = observations.Set(new Address("y", t), Data[t - 1]);
        var reference = ConditionalSmc.Initial(SmcModels.Lgssm(), Data, ChoiceMap.Empty, 5, new Rng(4));
        var dynamic = ConditionalSmc.Run(SmcModels.Lgssm(), Data, ChoiceMap.Empty, reference, 4, new Rng(5));
        var generated = ConditionalSmc.Run(ResumableModels.LgssmModel, Data, ChoiceMap.Empty, reference, 4, new Rng(5));
        var sampled = ConditionalSmc.Run(TemperedSmcModels.LgssmSampledModel, Data.Length, observations, reference, 4, new Rng(5));
        Assert.True(ChoiceMap.Equivalent(dynamic, generated), $"{dynamic} vs {generated}");
        Assert.True(ChoiceMap.Equivalent(dynamic, sampled), $"{dynamic} vs {sampled}");
        Assert.False(sampled.Contains(new Address("y", 1)));
    }
}
