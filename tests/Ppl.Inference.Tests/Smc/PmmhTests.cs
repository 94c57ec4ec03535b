using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>papers.md 1.6 S5: PMMH recovers the grid posterior of the LGSSM's transition coefficient.</summary>
public class PmmhTests(ITestOutputHelper output)
{
    private static readonly double LogUniform = -Math.Log(3);

    [Fact]
    public void RecoversTheGridPosterior_AndABiasedLikelihoodDoesNot()
    {
        var exact = GridPosterior.Posterior;
        var rng = new Rng(21);
        var chains = Enumerable.Range(0, 4).Select(_ =>
            Pmmh.StateSpace<LgssmStruct, double, int>(k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), 10, _ => LogUniform,
                GridPosterior.ProposeOther, 1, 1200, rng.Split())).ToArray();
        var ok = GridPosterior.Matches(GridPosterior.Frequencies(chains.Select(c => c.Chain).ToArray()), exact, out var report);
        output.WriteLine($"PMMH: {report}; acceptance {chains.Average(c => c.AcceptanceRate):F2}");
        Assert.True(ok, report);
        Assert.InRange(chains[0].AcceptanceRate, 0.05, 0.95);

        // Negative control: a likelihood estimate that forgets the evidence at resampling (only the last
        // step's increment survives) is not unbiased for p(y | a), and the chain misses the posterior.
        var wrongRng = new Rng(21);
        var wrong = Enumerable.Range(0, 4).Select(_ => Pmmh.Run<int>((k, r) =>
        {
            var f = new ParticleFilter<LgssmStruct, double>(new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), 10, r, new StateSpaceSmcOptions { EssThreshold = 1 });
            f.Finish();
            return f.Steps[^1].LogEvidence - f.Steps[^2].LogEvidence;
        }, _ => LogUniform, GridPosterior.ProposeOther, 1, 1200, wrongRng.Split())).ToArray();
        var bad = GridPosterior.Matches(GridPosterior.Frequencies(wrong.Select(c => c.Chain).ToArray()), exact, out var wrongReport);
        output.WriteLine($"negative control: {wrongReport}");
        Assert.False(bad, "negative control passed: " + wrongReport);
    }

    [Fact]
    public void ProposalsOutsideThePriorAreRejected_AndABadStartIsAClearError()
    {
        var result = Pmmh.Run<double>((_, _) => 0.0, a => a is > 0 and < 1 ? 0 : double.NegativeInfinity, (a, r) => (a + 2 * r.NextGaussian(), 0), 0.5, 200, new Rng(1));
        Assert.All(result.Chain, a => Assert.InRange(a, 0, 1));
        var e = Assert.Throws<ArgumentException>(() => Pmmh.Run<double>((_, _) => 0.0, _ => double.NegativeInfinity, (a, _) => (a, 0), 2.0, 10, new Rng(1)));
        Assert.Contains("2", e.Message);
    }

    [Fact]
    public void LongRunsReportProgressAndStopOnCancellation()
    {
        var reports = 0;
        Pmmh.Run<double>((_, _) => 0.0, _ => 0.0, (a, r) => (a + r.NextGaussian(), 0), 0.0, 50, new Rng(1),
            new RunOptions { Progress = new SyncProgress<Progress>(_ => reports++) });
        Assert.Equal(50, reports);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var cancelled = new RunOptions { Cancellation = cts.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => Pmmh.Run<double>((_, _) => 0.0, _ => 0.0, (a, _) => (a, 0), 0.0, 50, new Rng(1), cancelled));
        Assert.ThrowsAny<OperationCanceledException>(() => ParticleGibbs.Run<LgssmStruct, double, int>(
            k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), (_, k, _) => k, 0, 5, 50, new Rng(1), cancelled));
        Assert.ThrowsAny<OperationCanceledException>(() => Smc2.Run<LgssmStruct, double, int>(k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]),
            r => r.Next(3), _ => 0, GridPosterior.ProposeOther, 4, 4, new Rng(1), options: cancelled));
    }
}
