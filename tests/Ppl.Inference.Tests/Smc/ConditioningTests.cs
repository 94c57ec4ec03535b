using Ppl.Distributions;
using Ppl.Inference.Smc;
using Ppl.Modeling;
using Xunit;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The linear-Gaussian SSM of <see cref="SmcModels.Lgssm"/> written as users often write it: y sampled, its value given from outside.</summary>
public static partial class ConditioningModels
{
    /// <summary>x₀ ~ N(0, 1), xₜ ~ N(0.9 xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5) as Sample sites (no Observe); <paramref name="steps"/> steps.</summary>
    [Model]
    public static double Lgssm(int steps)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < steps; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            _ = Sample(Normal(x, 0.5), "y", i + 1);
        }
        return x;
    }
}

/// <summary>
/// Conditioning is one concept for SMC: a model whose data arrive as values of Sample sites (a choice map, as importance
/// sampling and MCMC take them) has the same intermediate targets as one written with Observe — a pause at every
/// observation — with an unbiased evidence estimate, for a dynamic model and for a [Model].
/// </summary>
public class ConditioningTests
{
    private const int T = 10;
    private static readonly double[] Ys = SmcModels.SimulateLgssm(T, seed: 3);

    /// <summary>The LGSSM with y sampled rather than observed.</summary>
    private static readonly DynamicModel<int, double> SampledLgssm = DynamicModel.Create<int, double>("lgssm-sampled", (t, steps) =>
    {
        var x = t.Sample(new Address("x", 0), new Normal(0, 1));
        for (var i = 0; i < steps; i++)
        {
            x = t.Sample(new Address("x", i + 1), new Normal(0.9 * x, 1));
            t.Sample(new Address("y", i + 1), new Normal(x, 0.5));
        }
        return x;
    });

    private static ChoiceMap Observations(double[] ys, string name = "y")
    {
        var m = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i++) m = m.Set(new Address(name, i + 1), ys[i]);
        return m;
    }

    [Fact]
    public void Observed_sample_sites_are_pauses_and_the_evidence_is_unbiased()
    {
        var (logZ, mean, _) = SmcModels.Kalman(Ys);
        Assert.Equal(T + 1, BootstrapSmc.Run(SmcModels.Lgssm(), Ys, 10, new Rng(1)).Steps.Count);
        var rng = new Rng(17);
        var ratios = new List<double>();
        var ignored = new List<double>();
        for (var r = 0; r < 200; r++)
        {
            var run = BootstrapSmc.Run(SampledLgssm, T, Observations(Ys), 50, rng);
            // T pauses and the run to the end, as for the same model written with Observe.
            Assert.Equal(T + 1, run.Steps.Count);
            ratios.Add(Math.Exp(run.LogEvidence - logZ));
            // Negative control: the same model with its data left out is not conditioned at all (log Ẑ = 0).
            if (r < 20) ignored.Add(Math.Exp(BootstrapSmc.Run(SampledLgssm, T, 50, rng).LogEvidence - logZ));
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        Assert.True(Math.Abs(m - 1) < 5 * se, $"E[Ẑ/Z] = {m} ± {se}");
        var (wrong, wrongSe) = SmcModels.MeanAndSe(ignored);
        Assert.True(Math.Abs(wrong - 1) > 5 * Math.Max(wrongSe, se), $"unconditioned run passed: {wrong} ± {wrongSe}");
        // One large run: the filtering mean of x_T against the Kalman filter's.
        var big = BootstrapSmc.Run(SampledLgssm, T, Observations(Ys), 4000, new Rng(5));
        Assert.True(big.ResamplingCount > 0);
        var filtered = big.Samples.Traces.Select(t => t.Return).ToArray();
        var weights = big.Samples.NormalizedWeights;
        var est = filtered.Zip(weights, (x, w) => x * w).Sum();
        var sd = Math.Sqrt(filtered.Zip(weights, (x, w) => w * (x - est) * (x - est)).Sum());
        Assert.True(Math.Abs(est - mean) < 5 * sd / Math.Sqrt(big.Samples.EffectiveSampleSize), $"filtering mean {est} vs Kalman {mean}");
    }

    [Fact]
    public void A_model_method_observing_by_sample_gets_the_same_pauses_and_evidence()
    {
        var (logZ, _, _) = SmcModels.Kalman(Ys);
        var rng = new Rng(23);
        var ratios = new List<double>();
        for (var r = 0; r < 200; r++)
        {
            var run = ResumableSmc.Run(ConditioningModels.LgssmResumable, T, Observations(Ys), 50, rng);
            Assert.Equal(T + 1, run.Steps.Count);
            ratios.Add(Math.Exp(run.LogEvidence - logZ));
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        Assert.True(Math.Abs(m - 1) < 5 * se, $"E[Ẑ/Z] = {m} ± {se}");
    }

    [Fact]
    public void Smc_takes_the_model_itself_and_its_evidence_is_unbiased()
    {
        var (logZ, _, _) = SmcModels.Kalman(Ys);
        var rng = new Rng(29);
        var runs = new Dictionary<string, List<double>> { ["observe"] = [], ["sample"] = [], ["resample-move"] = [] };
        for (var r = 0; r < 100; r++)
        {
            // An Observe-written [Model]: its generated state machine.
            var observe = BootstrapSmc.Run(Resumable.ResumableModels.LgssmModel, Ys, ChoiceMap.Empty, 50, rng);
            Assert.Contains("resumable", observe.Algorithm);
            runs["observe"].Add(Math.Exp(observe.LogEvidence - logZ));
            // A Sample-written [Model] with its data given as values.
            runs["sample"].Add(Math.Exp(BootstrapSmc.Run(ConditioningModels.LgssmModel, T, Observations(Ys), 50, rng).LogEvidence - logZ));
            runs["resample-move"].Add(Math.Exp(ResampleMove.Run(ConditioningModels.LgssmModel, T, Observations(Ys), 50,
                k => Selection.At(new Address("x", k)), rng).LogEvidence - logZ));
        }
        foreach (var (name, ratios) in runs)
        {
            var (m, se) = SmcModels.MeanAndSe(ratios);
            Assert.True(Math.Abs(m - 1) < 5 * se, $"{name}: E[Ẑ/Z] = {m} ± {se}");
        }
        // A generative function SMC cannot pause says what to use instead.
        var unfold = new Unfold<double, double>(DynamicModel.Create<(int, double, double), double>("step", (t, a) => t.Sample("x", new Normal(a.Item2, 1))));
        var e = Assert.Throws<NotSupportedException>(() => BootstrapSmc.Run(unfold, (3, 0.0, 0.0), ChoiceMap.Empty, 10, new Rng(1)));
        Assert.Contains("UnfoldSmc", e.Message);
        var map = new Map<double, double>(DynamicModel.Create<double, double>("item", (t, m) => t.Sample("x", new Normal(m, 1))));
        var e2 = Assert.Throws<NotSupportedException>(() => BootstrapSmc.Run(map, (IReadOnlyList<double>)[0.0, 1.0], ChoiceMap.Empty, 10, new Rng(1)));
        Assert.Contains("MapSmc", e2.Message);
    }

    [Fact]
    public void A_misspelled_observation_is_an_error_naming_the_closest_address()
    {
        var e = Assert.Throws<UnvisitedConstraintsException>(() => BootstrapSmc.Run(SampledLgssm, T, Observations(Ys, "yy"), 20, new Rng(1)));
        Assert.Contains("'yy/1'", e.Message);
        Assert.Contains("'y/1'", e.Message);
    }

    [Fact]
    public void A_selection_no_particle_ever_has_is_an_error_at_the_end_of_resample_move()
    {
        var e = Assert.Throws<UnknownAddressException>(() =>
            ResampleMove.Run(SampledLgssm, T, Observations(Ys), 20, k => Selection.At(new Address("xx", k)), new Rng(1)));
        Assert.Contains("'xx/", e.Message);
        // The right spelling (addresses not yet visited at early pauses are allowed) runs.
        var ok = ResampleMove.Run(SampledLgssm, T, Observations(Ys), 20, k => Selection.At(new Address("x", k)), new Rng(1));
        Assert.Equal(T + 1, ok.Steps.Count);
    }
}
