using Ppl.Examples.Tasks.Brain;
using Ppl.Inference.Amortized.Brain;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Brain;

/// <summary>T1 of papers.md 4.6: the estimators' means and variances against the reference table.</summary>
public sealed class GaussianToyTests
{
    private readonly ITestOutputHelper _out;

    public GaussianToyTests(ITestOutputHelper output)
    {
        _out = output;
        TorchSharp.torch.set_num_threads(1);
    }

    // papers.md 4.6, 40 000 repetitions, n = 8: (μ, DPG mean/var, GDC++ mean/var, BRAIn mean/var).
    public static readonly TheoryData<double, double, double, double, double, double, double> Table = new()
    {
        { 0.0, -1.00, 0.125, -1.00, 0.566, -0.77, 0.172 },
        { 0.5, -1.00, 0.402, -1.00, 0.351, -0.85, 0.190 },
        { 1.0, -1.00, 1.673, -1.00, 1.295, -0.77, 0.173 },
    };

    private const int Reps = 40_000;

    /// <summary>
    /// Agreement with a reference from an independent run of the same size (the table): 5 standard
    /// errors of the difference (√2 · ours) plus the table's rounding.
    /// </summary>
    private static bool MatchesTable(DrawSummary s, double mean, double variance) =>
        Math.Abs(s.Mean - mean) <= 5 * Math.Sqrt(2) * s.MeanStandardError + 0.005
        && Math.Abs(s.Variance - variance) <= 5 * Math.Sqrt(2) * s.VarianceStandardError + 0.0005;

    /// <summary>Agreement with exact values: 5 standard errors.</summary>
    private static bool MatchesExact(DrawSummary s, double mean, double variance) =>
        Math.Abs(s.Mean - mean) <= 5 * s.MeanStandardError && Math.Abs(s.Variance - variance) <= 5 * s.VarianceStandardError;

    private static DrawSummary Draws(DistillationOptions o, double mu, Rng rng, double? stored = null) =>
        GaussianEstimatorToy.Summarize(GaussianEstimatorToy.GradientDraws(o, mu, 8, Reps, rng, storedProposalMean: stored));

    [Theory]
    [MemberData(nameof(Table))]
    public void Means_and_variances_match_the_table(double mu, double dpgMean, double dpgVar, double gdcMean, double gdcVar, double brainMean, double brainVar)
    {
        var rng = new Rng(1);
        var dpg = Draws(DistillationOptions.Dpg, mu, rng.Split());
        var gdc = Draws(DistillationOptions.GdcPlusPlus, mu, rng.Split());
        var brain = Draws(DistillationOptions.Brain, mu, rng.Split());
        _out.WriteLine($"mu={mu}: dpg {dpg}, gdc {gdc}, brain {brain}");
        _out.WriteLine($"exact variances: dpg {GaussianEstimatorToy.ExactDpgVariance(mu, 8):F4}, gdc {GaussianEstimatorToy.ExactGdcVariance(mu, 8):F4}");
        Assert.True(MatchesTable(dpg, dpgMean, dpgVar), $"DPG {dpg}");
        Assert.True(MatchesTable(gdc, gdcMean, gdcVar), $"GDC++ {gdc}");
        Assert.True(MatchesTable(brain, brainMean, brainVar), $"BRAIn {brain}");
        // DPG and GDC++ also have closed-form variances, a sharper reference than a table rounded from one run.
        Assert.True(MatchesExact(dpg, -1, GaussianEstimatorToy.ExactDpgVariance(mu, 8)), $"DPG vs exact: {dpg}");
        Assert.True(MatchesExact(gdc, -1, GaussianEstimatorToy.ExactGdcVariance(mu, 8)), $"GDC++ vs exact: {gdc}");

        // Negative controls: the same estimators fed a wrong stored proposal density (μ + 0.5) must fail.
        var wrong = mu + 0.5;
        var badDpg = Draws(DistillationOptions.Dpg, mu, rng.Split(), wrong);
        var badGdc = Draws(DistillationOptions.GdcPlusPlus, mu, rng.Split(), wrong);
        var badBrain = Draws(DistillationOptions.Brain, mu, rng.Split(), wrong);
        _out.WriteLine($"controls: dpg {badDpg}, gdc {badGdc}, brain {badBrain}");
        Assert.False(MatchesTable(badDpg, dpgMean, dpgVar), $"DPG with a wrong proposal density passed: {badDpg}");
        Assert.False(MatchesTable(badGdc, gdcMean, gdcVar), $"GDC++ with a wrong proposal density passed: {badGdc}");
        Assert.False(MatchesTable(badBrain, brainMean, brainVar), $"BRAIn with a wrong proposal density passed: {badBrain}");
        // And BRAIn without its baseline (RWS weights) is not BRAIn.
        var rws = Draws(DistillationOptions.RwsWake, mu, rng.Split());
        Assert.False(MatchesTable(rws, brainMean, brainVar), $"self-normalised weights without the baseline passed as BRAIn: {rws}");
    }

    [Fact]
    public void Brain_bias_shrinks_as_n_grows()
    {
        var rng = new Rng(2);
        var biases = new List<(double Bias, double Se)>();
        foreach (var (n, reps) in new[] { (8, 40_000), (64, 10_000), (512, 2_000) })
        {
            var s = GaussianEstimatorToy.Summarize(GaussianEstimatorToy.GradientDraws(DistillationOptions.Brain, 1.0, n, reps, rng.Split()));
            biases.Add((s.Mean + 1.0, s.MeanStandardError));
            _out.WriteLine($"n={n}: mean {s.Mean:F4} ± {s.MeanStandardError:F4}, var {s.Variance:F4}");
        }
        // Each bias is clearly smaller than the previous one (by more than 4 standard errors of the difference).
        for (var k = 1; k < biases.Count; k++)
        {
            var diff = Math.Abs(biases[k - 1].Bias) - Math.Abs(biases[k].Bias);
            var se = Math.Sqrt(biases[k - 1].Se * biases[k - 1].Se + biases[k].Se * biases[k].Se);
            Assert.True(diff > 4 * se, $"bias did not shrink from step {k - 1} to {k}: {biases[k - 1]} -> {biases[k]}");
        }
        // At n = 512 it is small: under 0.02 (the O(1/n) bias is a few thousandths there).
        Assert.True(Math.Abs(biases[^1].Bias) < 0.02, $"bias at n = 512: {biases[^1]}");
        // Control: DPG is unbiased at n = 8 already, so the shrinking is BRAIn's own bias.
        var dpg = GaussianEstimatorToy.Summarize(GaussianEstimatorToy.GradientDraws(DistillationOptions.Dpg, 1.0, 8, 40_000, rng.Split()));
        Assert.True(Math.Abs(dpg.Mean + 1) < 5 * dpg.MeanStandardError, dpg.ToString());
    }
}
