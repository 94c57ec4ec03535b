using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// Tempered SMC on [Model] methods (the generative function front end): evidence and posterior means against closed
/// forms, unbiasedness of Ẑ under a fixed schedule, and the untempered acceptance rule as a negative control.
/// </summary>
public class TemperedSmcModelTests(ITestOutputHelper output)
{
    private const double HalfLog2Pi = 0.9189385332046727;
    private static readonly double[] Ys = { 1.2, 0.4, 2.1, 1.5, 0.9 };

    /// <summary>Data of the shifted model (drawn once with μ = 0.3, s = 1, δ = 2).</summary>
    private static readonly double[] ShiftYs = { 2.9, 1.6, 2.5, 3.1, 1.8, 2.2 };
    private const double Delta = 2.0;

    private static ChoiceMap Observed(double[] ys)
    {
        var c = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i++) c = c.Set(new Address("y", i), ys[i]);
        return c;
    }

    /// <summary>log N(y; m·1, I + 11ᵀ): the evidence of μ ~ N(0, 1), yᵢ ~ N(μ + m, 1). |Σ| = 1 + n, Σ⁻¹ = I − 11ᵀ/(1 + n).</summary>
    private static double LogEvidence(double[] ys, double m)
    {
        var n = ys.Length;
        var r = ys.Select(y => y - m).ToArray();
        var s = r.Sum();
        return -n * HalfLog2Pi - 0.5 * Math.Log(1 + n) - 0.5 * (r.Sum(x => x * x) - s * s / (1 + n));
    }

    /// <summary>The shifted model by enumerating s (each branch conjugate): log Z, P(s = 1 | y), E[μ | y].</summary>
    private static (double LogZ, double PShift, double MeanMu) ShiftedExact()
    {
        var n = ShiftYs.Length;
        var l0 = Math.Log(0.5) + LogEvidence(ShiftYs, 0);
        var l1 = Math.Log(0.5) + LogEvidence(ShiftYs, Delta);
        var logZ = MathUtil.LogSumExp(new[] { l0, l1 });
        var p1 = Math.Exp(l1 - logZ);
        var m0 = ShiftYs.Sum() / (n + 1);
        var m1 = ShiftYs.Sum(y => y - Delta) / (n + 1);
        return (logZ, p1, (1 - p1) * m0 + p1 * m1);
    }

    private static readonly TemperedSmcSettings Fixed = new()
    {
        Temperatures = new[] { 0, 0.02, 0.08, 0.2, 0.45, 1.0 },
        MoveSteps = 2,
    };

    [Fact]
    public void Likelihood_is_Project_on_the_observed_addresses_for_Sample_Observe_and_Factor()
    {
        // Generate's weight is log L when the latents are prior draws; Project on the observed addresses gives the same,
        // and all three ways of writing the data give the same likelihood at the same μ.
        var sample = TemperedSmcModels.NormalMeanModel.Generate(Ys.Length, Observed(Ys), new Rng(1));
        var observe = TemperedSmcModels.NormalMeanObservedModel.Generate(Ys, ChoiceMap.Empty.Set("mu", sample.Trace.Get<double>("mu")), new Rng(1));
        var factor = TemperedSmcModels.NormalMeanFactorModel.Generate(Ys, ChoiceMap.Empty.Set("mu", sample.Trace.Get<double>("mu")), new Rng(1));
        var selection = Selection.At(Enumerable.Range(0, Ys.Length).Select(i => new Address("y", i)).ToArray());
        var l = TemperedSmcModels.NormalMeanModel.Project(sample.Trace, selection);
        Assert.Equal(sample.Weight, l, 12);
        Assert.Equal(l, TemperedSmcModels.NormalMeanObservedModel.Project(observe.Trace, Selection.None), 12);
        Assert.Equal(l, TemperedSmcModels.NormalMeanFactorModel.Project(factor.Trace, Selection.None), 12);
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("observe")]
    [InlineData("factor")]
    public void Adaptive_schedule_on_a_model_recovers_the_conjugate_evidence_and_mean(string how)
    {
        (double LogZ, double Mean, double Acceptance) Run<TArgs>(IGenerativeFunction<TArgs, double> model, TArgs args, ChoiceMap observations)
        {
            var r = TemperedSmc.Run(model, args, observations, 1000, new Rng(5));
            return (r.LogEvidence, r.Mean(new Address("mu")), r.AcceptanceRate);
        }
        var (logZ, mean, acceptance) = how switch
        {
            "sample" => Run(TemperedSmcModels.NormalMeanModel, Ys.Length, Observed(Ys)),
            "observe" => Run(TemperedSmcModels.NormalMeanObservedModel, Ys, ChoiceMap.Empty),
            _ => Run(TemperedSmcModels.NormalMeanFactorModel, Ys, ChoiceMap.Empty),
        };
        var exactMean = Ys.Sum() / 6;
        output.WriteLine($"{how}: log Ẑ {logZ:F4} (exact {LogEvidence(Ys, 0):F4}), E[μ] {mean:F4} (exact {exactMean:F4}), acceptance {acceptance:F2}");
        // N = 1000 MH-moved particles: sd of the mean ≈ √(1/6 / N_eff); 5 SE with N_eff ≥ N/4. log Ẑ: a few hundredths.
        Assert.True(Math.Abs(mean - exactMean) <= 5 * Math.Sqrt(1.0 / 6 / 250), $"{mean} vs {exactMean}");
        Assert.True(Math.Abs(logZ - LogEvidence(Ys, 0)) <= 0.1, $"{logZ} vs {LogEvidence(Ys, 0)}");
        Assert.InRange(acceptance, 0.05, 0.95);
    }

    [Fact]
    public void Discrete_and_continuous_latents_match_enumeration()
    {
        var (logZ, pShift, meanMu) = ShiftedExact();
        var result = TemperedSmc.Run(TemperedSmcModels.ShiftedModel, (ShiftYs, Delta), ChoiceMap.Empty, 2000, new Rng(8));
        var p = result.Mean(new Address("s"));
        var m = result.Mean(new Address("mu"));
        output.WriteLine(result.Summary());
        output.WriteLine($"log Ẑ {result.LogEvidence:F4} (exact {logZ:F4}); P(s) {p:F4} (exact {pShift:F4}); E[μ] {m:F4} (exact {meanMu:F4})");
        // Binomial sd of P(s) with N_eff ≥ 500 is ≤ 0.022; E[μ]'s posterior sd is below 1, so its SE ≤ 0.045.
        Assert.True(Math.Abs(p - pShift) <= 5 * Math.Sqrt(pShift * (1 - pShift) / 500), $"P(s) {p} vs {pShift}");
        Assert.True(Math.Abs(m - meanMu) <= 5 * 0.045, $"E[μ] {m} vs {meanMu}");
        Assert.True(Math.Abs(result.LogEvidence - logZ) <= 0.1, $"{result.LogEvidence} vs {logZ}");
        Assert.All(result.Traces, t => Assert.False(t.Choices.Contains(new Address("y", 0))));
    }

    [Fact]
    public void A_choice_that_comes_and_goes_is_moved_with_the_tempered_ratio()
    {
        // Regenerating s adds or drops μ; Regenerate's weight carries the proposal terms, so the tempered ratio stays exact.
        // Exact: Z = ½ N(y; 0, I + 11ᵀ) + ½ N(y; 0, I), and E[μ | y, s] = Σy/(n + 1).
        var l1 = Math.Log(0.5) + LogEvidence(Ys, 0);
        var l0 = Math.Log(0.5) + Ys.Sum(y => -0.5 * y * y - HalfLog2Pi);
        var logZ = MathUtil.LogSumExp(new[] { l0, l1 });
        var p1 = Math.Exp(l1 - logZ);
        var result = TemperedSmc.Run(TemperedSmcModels.SwitchingModel, Ys, ChoiceMap.Empty, 1000, new Rng(4));
        var p = result.Probability(t => t.Return);
        var m = result.Mean(t => t.Return ? t.Get<double>("mu") : 0.0);
        var exactMean = p1 * Ys.Sum() / (Ys.Length + 1);
        output.WriteLine($"log Ẑ {result.LogEvidence:F4} (exact {logZ:F4}); P(s) {p:F4} (exact {p1:F4}); E[μ] {m:F4} (exact {exactMean:F4}); acceptance {result.AcceptanceRate:F2}");
        Assert.True(Math.Abs(p - p1) <= 5 * Math.Sqrt(p1 * (1 - p1) / 250), $"P(s) {p} vs {p1}");
        Assert.True(Math.Abs(m - exactMean) <= 5 * Math.Sqrt(1.0 / 250), $"E[μ] {m} vs {exactMean}");
        Assert.True(Math.Abs(result.LogEvidence - logZ) <= 0.1, $"{result.LogEvidence} vs {logZ}");
    }

    [Fact]
    public void Fixed_schedule_evidence_is_unbiased_on_a_model_and_the_untempered_acceptance_is_not()
    {
        var (logZ, _, _) = ShiftedExact();
        double[] Ratios(TemperedSmcSettings settings)
        {
            var rng = new Rng(21);
            return Enumerable.Range(0, 250).Select(_ =>
                Math.Exp(TemperedSmc.Run(TemperedSmcModels.ShiftedModel, (ShiftYs, Delta), ChoiceMap.Empty, 20, rng.Split(), settings,
                    new RunOptions { MaxDegreeOfParallelism = 1 }).LogEvidence - logZ)).ToArray();
        }
        var (m, se) = SmcModels.MeanAndSe(Ratios(Fixed));
        var (wm, wse) = SmcModels.MeanAndSe(Ratios(Fixed with { UntemperedAcceptance = true }));
        output.WriteLine($"mean Ẑ/Z {m:F4} ± {se:F4}; untempered acceptance (negative control) {wm:F4} ± {wse:F4}");
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void Enumerated_over_every_draw_the_fixed_schedule_evidence_has_mean_exactly_Z()
    {
        // Under the exact enumerator every draw of the run (initial particles, resampling, proposals, accept decisions) is a
        // branch, so E[Ẑ] is computed exactly: unbiasedness is an identity (1e-12), and the untempered acceptance breaks it.
        const double y = 1.7;
        var z = 0.3 * Math.Exp(-0.5 * (y - 1) * (y - 1) - HalfLog2Pi) + 0.7 * Math.Exp(-0.5 * y * y - HalfLog2Pi);
        var settings = new TemperedSmcSettings { Temperatures = new[] { 0, 0.4, 1.0 }, MoveSteps = 1, EssThreshold = 1.0 };
        double Mean(TemperedSmcSettings s) => Ppl.Enumeration.Enumerate.Program(
            rng => TemperedSmc.Run(TemperedSmcModels.CoinModel, y, ChoiceMap.Empty, 2, rng, s).LogEvidence, lz => lz).Evidence;
        var exact = Mean(settings);
        var untempered = Mean(settings with { UntemperedAcceptance = true });
        output.WriteLine($"E[Ẑ] {exact:R}, Z {z:R}; untempered acceptance {untempered:R}");
        Assert.Equal(z, exact, 12);
        Assert.True(Math.Abs(untempered - z) > 1e-3, $"negative control passed: {untempered} vs {z}");
    }

    [Fact]
    public void Bad_observations_are_named()
    {
        var unvisited = Assert.Throws<UnvisitedConstraintsException>(() =>
            TemperedSmc.Run(TemperedSmcModels.NormalMeanModel, 2, ChoiceMap.Empty.Set(new Address("y", 0), 1.0).Set(new Address("z", 1), 2.0), 10, new Rng(1)));
        Assert.Contains("z", unvisited.Message);
        var nan = Assert.ThrowsAny<ModelException>(() =>
            TemperedSmc.Run(TemperedSmcModels.NormalMeanModel, 2, ChoiceMap.Empty.Set(new Address("y", 0), double.NaN).Set(new Address("y", 1), 1.0), 10, new Rng(1)));
        Assert.Contains("y", nan.Message);
        var draws = TemperedSmc.Run(TemperedSmcModels.NormalMeanModel, 2, Observed([0.1, 0.2]), 10, new Rng(1));
        Assert.Throws<ArgumentException>(() => draws.Mean(new Address("nope")));
    }
}
