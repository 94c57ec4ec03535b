using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// SMC² on the LGSSM with a ∈ {0.5, 0.7, 0.9}: Ẑ is unbiased for p(y) with a integrated out, and the
/// unnormalised posterior masses E[Σ wᵢ 1{aᵢ = a}] equal Z·p(a | y) — the grid posterior PMMH and particle Gibbs recover.
/// </summary>
public class Smc2Tests(ITestOutputHelper output)
{
    private static Smc2Result<int> Run(Rng rng) =>
        Smc2.Run<LgssmStruct, double, int>(k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), r => r.Next(3),
            _ => -Math.Log(3), GridPosterior.ProposeOther, 8, 16, rng, moves: 1,
            options: new RunOptions { MaxDegreeOfParallelism = 1 });

    [Fact]
    public void EvidenceAndPosteriorMassesAreUnbiased_AndForgettingTheEvidenceAtResamplingIsNot()
    {
        var logZ = GridPosterior.LogEvidence;
        var exact = GridPosterior.Posterior;
        var rng = new Rng(4);
        const int runs = 300;
        var ratios = new double[runs];
        var masses = new double[3][];
        for (var k = 0; k < 3; k++) masses[k] = new double[runs];
        var acceptance = 0.0;
        var wrong = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = Run(rng.Split());
            // Negative control (the issue's): outer resampling that resets the weights to 1/N instead of Ẑ/N keeps
            // only the evidence gathered since the last resampling.
            var last = result.Steps.LastOrDefault(s => s.Resampled);
            wrong[r] = Math.Exp(result.LogEvidence - (last.Step == 0 ? 0 : last.LogEvidence) - logZ);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            for (var k = 0; k < 3; k++) masses[k][r] = result.WeightedSum(a => a == k ? 1 : 0) / Math.Exp(logZ);
            if (!double.IsNaN(result.AcceptanceRate)) acceptance += result.AcceptanceRate / runs;
        }
        var (m, se) = SmcModels.MeanAndSe(ratios);
        output.WriteLine($"SMC² mean Ẑ/Z {m:F4} ± {se:F4}; PMMH acceptance {acceptance:F2}");
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        for (var k = 0; k < 3; k++)
        {
            var (mk, sek) = SmcModels.MeanAndSe(masses[k]);
            output.WriteLine($"a = {GridPosterior.Grid[k]}: {mk:F4} ± {sek:F4} vs exact {exact[k]:F4}");
            Assert.True(Math.Abs(mk - exact[k]) <= 5 * sek, $"a = {GridPosterior.Grid[k]}: {mk} ± {sek} vs {exact[k]}");
        }

        var (wm, wse) = SmcModels.MeanAndSe(wrong);
        output.WriteLine($"negative control: {wm:F4} ± {wse:F4}");
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void SummaryAndThreadIndependence()
    {
        var a = Run(new Rng(9));
        var b = Smc2.Run<LgssmStruct, double, int>(k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), r => r.Next(3),
            _ => -Math.Log(3), GridPosterior.ProposeOther, 8, 16, new Rng(9), moves: 1);
        Assert.Equal(a.LogEvidence, b.LogEvidence);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(GridPosterior.Data.Length, a.Steps.Count);
        Assert.Contains("SMC²", a.Summary());
    }
}
