using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// SMC² with Unfold inner filters on the LGSSM with a ∈ {0.5, 0.7, 0.9}: Ẑ is unbiased for p(y) with a integrated out,
/// and the unnormalised posterior masses E[Σ wᵢ 1{aᵢ = a}]/Z equal p(a | y) (the grid posterior from Kalman likelihoods).
/// </summary>
public class Smc2CombinatorTests(ITestOutputHelper output)
{
    private static Smc2Result<int> Run(Rng rng) =>
        Smc2.Unfold(CombinatorSmcModels.GridChain(), 0.0, CombinatorSmcModels.Observations(GridPosterior.Data), r => r.Next(3),
            _ => -Math.Log(3), GridPosterior.ProposeOther, 8, 12, rng, options: new RunOptions { MaxDegreeOfParallelism = 1 });

    [Fact]
    public void EvidenceAndPosteriorMassesAreUnbiased_AndForgettingTheEvidenceAtResamplingIsNot()
    {
        var logZ = GridPosterior.LogEvidence;
        var exact = GridPosterior.Posterior;
        var rng = new Rng(7);
        const int runs = 60;
        var ratios = new double[runs];
        var masses = new double[3][];
        for (var k = 0; k < 3; k++) masses[k] = new double[runs];
        var wrong = new double[runs];
        var resamplings = 0;
        for (var r = 0; r < runs; r++)
        {
            var result = Run(rng.Split());
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            for (var k = 0; k < 3; k++) masses[k][r] = result.WeightedSum(a => a == k ? 1 : 0) / Math.Exp(logZ);
            // Negative control: outer resampling that resets the weights to 1/M instead of Ẑ/M keeps only the evidence
            // gathered since the last resampling.
            var last = result.Steps.LastOrDefault(s => s.Resampled);
            wrong[r] = Math.Exp(result.LogEvidence - (result.Steps.Any(s => s.Resampled) ? last.LogEvidence : 0) - logZ);
            resamplings += result.Steps.Count(s => s.Resampled);
        }
        output.WriteLine($"SMC² over Unfold: {resamplings} outer resamplings");
        Assert.True(resamplings > 0, "no outer resampling: the PMMH moves were never exercised");
        Assert.True(Unbiased(ratios, out var report), report);
        for (var k = 0; k < 3; k++)
        {
            var (mk, sek) = SmcModels.MeanAndSe(masses[k]);
            output.WriteLine($"a = {GridPosterior.Grid[k]}: {mk:F4} ± {sek:F4} vs exact {exact[k]:F4}");
            Assert.True(Math.Abs(mk - exact[k]) <= 5 * sek, $"a = {GridPosterior.Grid[k]}: {mk} ± {sek} vs {exact[k]}");
        }
        Assert.False(Unbiased(wrong, out var wrongReport), "negative control passed: " + wrongReport);
    }

    /// <summary>
    /// The check of an unbiased Ẑ: mean Ẑ/Z within 5 standard errors of 1, and mean log(Ẑ/Z) below 0 (Jensen: an
    /// unbiased estimate's log is biased down). The second catches heavy upper tails whose standard error hides them.
    /// </summary>
    private bool Unbiased(double[] ratios, out string report)
    {
        var (m, se) = SmcModels.MeanAndSe(ratios);
        var meanLog = ratios.Average(Math.Log);
        report = $"mean Ẑ/Z {m:G4} ± {se:G3}, mean log(Ẑ/Z) {meanLog:G3}";
        output.WriteLine(report);
        return Math.Abs(m - 1) <= 5 * se && meanLog < 0;
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var observations = CombinatorSmcModels.Observations(GridPosterior.Data);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Smc2.Unfold(CombinatorSmcModels.GridChain(), 0.0, observations, r => r.Next(3),
            _ => 0, GridPosterior.ProposeOther, 4, 0, new Rng(1)));
        Assert.Equal("stateParticles", e.ParamName);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => Smc2.Unfold(CombinatorSmcModels.GridChain(), 0.0, observations, r => r.Next(3),
            _ => 0, GridPosterior.ProposeOther, 0, 4, new Rng(1)));
        Assert.Equal("parameterParticles", p.ParamName);
    }
}
