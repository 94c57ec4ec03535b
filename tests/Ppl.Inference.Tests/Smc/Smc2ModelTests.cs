using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// SMC² on a [Model] (θ a choice of the model, its prior the model's, inner filters by replay with θ constrained):
/// on the LGSSM of <see cref="GridPosterior"/>, Ẑ is unbiased for p(y) and the weighted θ-particles give the exact
/// posterior (a three-point grid, and a continuous uniform prior by quadrature over Kalman filters), in agreement with
/// the struct-based <see cref="Smc2.Run{TModel, TState, TParam}"/>; PMMH moves without their acceptance step do not.
/// </summary>
public class Smc2ModelTests(ITestOutputHelper output)
{
    private static readonly RunOptions Serial = new() { MaxDegreeOfParallelism = 1 };
    private static readonly Selection K = Selection.At(new Address("k"));
    private static readonly Selection A = Selection.At(new Address("a"));

    /// <summary>The first 8 observations of <see cref="GridPosterior.Data"/>: replay makes a run O(T²), so a short series keeps the repeated runs cheap.</summary>
    private static readonly double[] Data = GridPosterior.Data[..8];

    /// <summary>log p(y) and p(k | y) on the three-point grid with a uniform prior, from Kalman likelihoods.</summary>
    private static (double LogEvidence, double[] Posterior) ExactGrid()
    {
        var l = GridPosterior.Grid.Select(a => SmcModels.Kalman(Data, a).LogEvidence).ToArray();
        var max = l.Max();
        var w = l.Select(x => Math.Exp(x - max)).ToArray();
        return (max + Math.Log(w.Average()), w.Select(x => x / w.Sum()).ToArray());
    }

    /// <summary>Proposes one of the other grid indices (symmetric).</summary>
    private static (ChoiceMap, double) ProposeOther(ChoiceMap theta, Rng rng) =>
        (theta.Set("k", (theta.Get<int>("k") + 1 + rng.Next(2)) % GridPosterior.Grid.Length), 0.0);

    private static Smc2Result<ChoiceMap> RunGrid(Rng rng, bool acceptEveryMove = false, RunOptions? options = null) =>
        Smc2.Model(PmmhModels.LgssmWithUnknownAModel, (Data, GridPosterior.Grid), ChoiceMap.Empty, K, 8, 16, rng,
            new Smc2Settings { Proposal = ProposeOther, AcceptEveryMove = acceptEveryMove }, options ?? Serial);

    /// <summary>
    /// Per run, Ẑ/Z, the unnormalised masses Σ wᵢ 1{kᵢ = k} / Z (unbiased for p(k | y)) and the self-normalised ones
    /// Σ wᵢ 1{kᵢ = k} / Σ wᵢ (biased by O(1/M), but free of Ẑ's noise, so sharper against a wrong algorithm).
    /// </summary>
    private static (double[] Ratios, double[][] Masses, double[][] Normalised) GridRuns(int runs, bool acceptEveryMove, ulong seed)
    {
        var logZ = ExactGrid().LogEvidence;
        var rng = new Rng(seed);
        var ratios = new double[runs];
        var masses = Enumerable.Range(0, 3).Select(_ => new double[runs]).ToArray();
        var normalised = Enumerable.Range(0, 3).Select(_ => new double[runs]).ToArray();
        for (var r = 0; r < runs; r++)
        {
            var result = RunGrid(rng.Split(), acceptEveryMove);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            for (var k = 0; k < 3; k++)
            {
                masses[k][r] = result.WeightedSum(c => c.Get<int>("k") == k ? 1 : 0) / Math.Exp(logZ);
                normalised[k][r] = result.Mean(c => c.Get<int>("k") == k ? 1 : 0);
            }
        }
        return (ratios, masses, normalised);
    }

    /// <summary>Whether every self-normalised mass is within 5 SE of the exact posterior.</summary>
    private bool Matches(string label, double[][] normalised, double[] exact)
    {
        var ok = true;
        for (var k = 0; k < 3; k++)
        {
            var (mk, sek) = SmcModels.MeanAndSe(normalised[k]);
            output.WriteLine($"{label}, self-normalised p(a = {GridPosterior.Grid[k]} | y): {mk:F4} ± {sek:F4} vs exact {exact[k]:F4}");
            ok &= Math.Abs(mk - exact[k]) <= 5 * sek;
        }
        return ok;
    }

    [Fact]
    public void Smc2_on_a_model_gives_unbiased_evidence_and_the_grid_posterior()
    {
        const int runs = 100;
        var exact = ExactGrid().Posterior;
        var (ratios, masses, normalised) = GridRuns(runs, acceptEveryMove: false, seed: 11);
        var (m, se) = SmcModels.MeanAndSe(ratios);
        output.WriteLine($"SMC² on the [Model]: mean Ẑ/Z {m:F4} ± {se:F4}");
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        for (var k = 0; k < 3; k++)
        {
            var (mk, sek) = SmcModels.MeanAndSe(masses[k]);
            output.WriteLine($"a = {GridPosterior.Grid[k]}: {mk:F4} ± {sek:F4} vs exact {exact[k]:F4}");
            Assert.True(Math.Abs(mk - exact[k]) <= 5 * sek, $"a = {GridPosterior.Grid[k]}: {mk} ± {sek} vs {exact[k]}");
        }
        Assert.True(Matches("SMC²", normalised, exact), "SMC²'s self-normalised posterior is off");
    }

    [Fact]
    public void Accepting_every_pmmh_move_misses_the_grid_posterior()
    {
        const int runs = 100;
        var exact = ExactGrid().Posterior;
        // Negative control: moves accepted whatever their Ẑ ratio (always to another grid point) forget the data before them.
        var (wrongRatios, _, wrong) = GridRuns(runs, acceptEveryMove: true, seed: 11);
        var (wm, wse) = SmcModels.MeanAndSe(wrongRatios);
        output.WriteLine($"negative control: mean Ẑ/Z {wm:F4} ± {wse:F4}");
        Assert.False(Matches("negative control", wrong, exact), "negative control passed: accepting every PMMH move matched the posterior");
    }

    /// <summary>The exact posterior of a ~ U(0.2, 1) on the LGSSM: log p(y), E[a | y] by the midpoint rule over Kalman likelihoods.</summary>
    private static (double LogEvidence, double Mean) ExactUniform(double[] data)
    {
        const int n = 2000;
        var grid = Enumerable.Range(0, n).Select(i => 0.2 + 0.8 * (i + 0.5) / n).ToArray();
        var l = grid.Select(a => SmcModels.Kalman(data, a).LogEvidence).ToArray();
        var max = l.Max();
        var w = l.Select(x => Math.Exp(x - max)).ToArray();
        return (max + Math.Log(w.Average()), grid.Select((a, i) => a * w[i]).Sum() / w.Sum());
    }

    private static readonly Func<ChoiceMap, Rng, (ChoiceMap, double)> Walk =
        Pmmh.RandomWalk(new Dictionary<Address, double> { [new Address("a")] = 0.15 });

    [Fact]
    public void Smc2_on_a_model_with_a_continuous_parameter_matches_quadrature_and_the_struct_version()
    {
        const int runs = 50, m = 12, n = 16;
        var data = Data;
        var (logZ, mean) = ExactUniform(data);
        var rng = new Rng(23);
        double[] ratios = new double[runs], means = new double[runs], unnormalised = new double[runs];
        double[] structRatios = new double[runs], structMeans = new double[runs];
        var acceptance = 0.0;
        for (var r = 0; r < runs; r++)
        {
            var result = Smc2.Model(Smc2Models.LgssmWithUniformAModel, data, ChoiceMap.Empty, A, m, n, rng.Split(),
                new Smc2Settings { Proposal = Walk }, Serial);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            means[r] = result.Mean(c => c.Get<double>("a"));
            unnormalised[r] = result.WeightedSum(c => c.Get<double>("a")) / Math.Exp(logZ);
            if (!double.IsNaN(result.AcceptanceRate)) acceptance += result.AcceptanceRate / runs;
            var reference = Smc2.Run<LgssmStruct, double, double>(a => new LgssmStruct(data, a), q => 0.2 + 0.8 * q.NextDouble(),
                a => a is >= 0.2 and <= 1.0 ? -Math.Log(0.8) : double.NegativeInfinity, (a, q) => (a + 0.15 * q.NextGaussian(), 0.0),
                m, n, rng.Split(), options: Serial);
            structRatios[r] = Math.Exp(reference.LogEvidence - logZ);
            structMeans[r] = reference.Mean(a => a);
        }
        var (zr, zse) = SmcModels.MeanAndSe(ratios);
        var (am, ase) = SmcModels.MeanAndSe(means);
        var (um, use) = SmcModels.MeanAndSe(unnormalised);
        var (sz, szse) = SmcModels.MeanAndSe(structRatios);
        var (sm, smse) = SmcModels.MeanAndSe(structMeans);
        output.WriteLine($"[Model]: Ẑ/Z {zr:F4} ± {zse:F4}; E[a | y] {am:F4} ± {ase:F4} (unnormalised {um:F4} ± {use:F4}) vs exact {mean:F4}; PMMH acceptance {acceptance:F2}");
        output.WriteLine($"struct:  Ẑ/Z {sz:F4} ± {szse:F4}; E[a | y] {sm:F4} ± {smse:F4}");
        Assert.True(Math.Abs(zr - 1) <= 5 * zse, $"Ẑ/Z = {zr} ± {zse}");
        Assert.True(Math.Abs(um - mean) <= 5 * use, $"Σ wᵢ aᵢ / Z = {um} ± {use} vs {mean}");
        Assert.True(Math.Abs(am - mean) <= 5 * ase, $"E[a | y] = {am} ± {ase} vs {mean}");
        Assert.True(Math.Abs(zr - sz) <= 5 * Math.Sqrt(zse * zse + szse * szse), $"Ẑ/Z: [Model] {zr} ± {zse}, struct {sz} ± {szse}");
        Assert.True(Math.Abs(am - sm) <= 5 * Math.Sqrt(ase * ase + smse * smse), $"E[a | y]: [Model] {am} ± {ase}, struct {sm} ± {smse}");
    }

    [Fact]
    public void The_result_converts_to_a_posterior_and_does_not_depend_on_threads()
    {
        var a = RunGrid(new Rng(9));
        var b = RunGrid(new Rng(9), options: RunOptions.Default);
        Assert.Equal(a.LogEvidence, b.LogEvidence);
        Assert.Equal(a.Parameters.Select(c => c.Get<int>("k")), b.Parameters.Select(c => c.Get<int>("k")));
        Assert.Equal(Data.Length, a.Steps.Count);
        var posterior = a.ToPosterior();
        Assert.Equal(["k"], posterior.Names);
        Assert.Equal(a.LogEvidence, posterior.LogEvidence);
        Assert.Equal(a.Mean(c => c.Get<int>("k")), posterior.Mean("k").Mean, 12);
        Assert.Contains("SMC²", a.Summary());
    }

    [Fact]
    public void Data_given_as_observed_sample_sites_gives_the_same_run_as_observe()
    {
        var settings = new Smc2Settings { Proposal = Walk, EssThreshold = 0.8 };
        var observed = Smc2.Model(Smc2Models.LgssmWithUniformAModel, Data, ChoiceMap.Empty, A, 8, 8, new Rng(5), settings, Serial);
        var observations = ChoiceMap.Empty;
        for (var t = 1; t <= Data.Length; t++) observations = observations.Set(new Address("y", t), Data[t - 1]);
        var sampled = Smc2.Model(Smc2Models.LgssmWithUniformASampledYModel, Data.Length, observations, A, 8, 8, new Rng(5), settings, Serial);
        Assert.Contains(observed.Steps, s => s.Resampled);
        Assert.Equal(observed.LogEvidence, sampled.LogEvidence, 12);
        Assert.Equal(observed.Parameters.Select(c => c.Get<double>("a")), sampled.Parameters.Select(c => c.Get<double>("a")));
    }

    [Fact]
    public void The_default_proposal_from_the_prior_gives_unbiased_evidence_and_the_grid_posterior()
    {
        const int runs = 60;
        var (logZ, exact) = ExactGrid();
        var rng = new Rng(17);
        var ratios = new double[runs];
        var masses = Enumerable.Range(0, 3).Select(_ => new double[runs]).ToArray();
        var acceptance = 0.0;
        for (var r = 0; r < runs; r++)
        {
            var result = Smc2.Model(PmmhModels.LgssmWithUnknownAModel, (Data, GridPosterior.Grid), ChoiceMap.Empty, K, 8, 16, rng.Split(), options: Serial);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            for (var k = 0; k < 3; k++) masses[k][r] = result.WeightedSum(c => c.Get<int>("k") == k ? 1 : 0) / Math.Exp(logZ);
            if (!double.IsNaN(result.AcceptanceRate)) acceptance += result.AcceptanceRate / runs;
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        output.WriteLine($"prior proposal: mean Ẑ/Z {m:F4} ± {se:F4}; acceptance {acceptance:F2}");
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        for (var k = 0; k < 3; k++)
        {
            var (mk, sek) = SmcModels.MeanAndSe(masses[k]);
            output.WriteLine($"a = {GridPosterior.Grid[k]}: {mk:F4} ± {sek:F4} vs exact {exact[k]:F4}");
            Assert.True(Math.Abs(mk - exact[k]) <= 5 * sek, $"a = {GridPosterior.Grid[k]}: {mk} ± {sek} vs {exact[k]}");
        }
        Assert.InRange(acceptance, 0.05, 0.95);
    }

    [Fact]
    public void A_stepper_stepped_to_the_end_is_bootstrap_smc()
    {
        // The seam SMC² steps its inner filters through: one pause of Sequentially per step, the same random numbers.
        var model = SmcModels.Lgssm(0.7);
        var smc = new SmcOptions { EssThreshold = 0.5 };
        var reference = BootstrapSmc.Run(model, Data, 32, new Rng(3), smc, Serial);
        var rng = new Rng(3);
        var stepper = SmcStepper<double[], double>.Start(new PausingModel<double[], double>(model).Function, Data, 32, smc, rng);
        var evidence = new List<double>();
        while (!stepper.Finished)
        {
            stepper = stepper.Step(rng, Serial);
            if (!stepper.Finished) evidence.Add(stepper.LogEvidence);
        }
        Assert.Equal(Data.Length, stepper.Pauses);
        Assert.Equal(reference.LogEvidence, stepper.LogEvidence, 12);
        Assert.Equal(Data.Length, evidence.Count);
        for (var k = 0; k < evidence.Count; k++) Assert.Equal(reference.Steps[k].LogEvidence, evidence[k], 10);
    }

    [Fact]
    public void Bad_parameters_are_named()
    {
        var e = Assert.Throws<ArgumentException>(() => Smc2.Model(Smc2Models.LgssmWithUniformAModel, GridPosterior.Data, ChoiceMap.Empty,
            Selection.At(new Address("alpha")), 4, 4, new Rng(1)));
        Assert.Contains("names none of the model's choices", e.Message);
        Assert.Contains("'a'", e.Message);
        var late = Assert.Throws<InferenceException>(() => Smc2.Model(Smc2Models.LateParameterModel, [0.1, 0.2], ChoiceMap.Empty,
            Selection.At(new Address("s")), 4, 4, new Rng(1)));
        Assert.Contains("'s'", late.Message);
        Assert.Contains("before the first", late.Message);
        var dependent = Assert.Throws<InferenceException>(() => Smc2.Model(Smc2Models.HierarchicalParameterModel, [0.1, 0.2], ChoiceMap.Empty,
            Selection.At(new Address("s")), 4, 4, new Rng(1)));
        Assert.Contains("'s'", dependent.Message);
        Assert.Contains("not on its other choices", dependent.Message);
        var proposal = Assert.Throws<ArgumentException>(() => Smc2.Model(Smc2Models.LgssmWithUniformAModel, GridPosterior.Data, ChoiceMap.Empty, A, 8, 4,
            new Rng(1), new Smc2Settings { Proposal = (t, _) => (t.Set("b", 0.5), 0.0), EssThreshold = 1 }));
        Assert.Contains("'b'", proposal.Message);
    }
}
