using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>Conditional SMC keeps its reference and leaves the smoothing posterior invariant; particle Gibbs recovers the grid posterior.</summary>
public class ParticleGibbsTests(ITestOutputHelper output)
{
    /// <summary>Exact Gibbs update of a given the path: p(a | x) ∝ Πₜ N(xₜ; a xₜ₋₁, 1) on the grid.</summary>
    internal static int UpdateA(double[] path, int _, Rng rng)
    {
        var logp = GridPosterior.Grid.Select(a =>
        {
            var model = new LgssmStruct(GridPosterior.Data, a);
            double s = 0;
            for (var t = 1; t < path.Length; t++) s += model.LogTransition(t, path[t - 1], path[t]);
            return s;
        }).ToArray();
        var max = logp.Max();
        return rng.DrawIndex(logp.Select(l => Math.Exp(l - max)).ToArray());
    }

    [Fact]
    public void ConditionalSmcKeepsTheReferencePath()
    {
        var model = new LgssmStruct(GridPosterior.Data);
        var reference = ConditionalSmc.InitialPath<LgssmStruct, double>(model, 20, new Rng(1));
        var filter = new ParticleFilter<LgssmStruct, double>(model, 50, new Rng(2), reference: reference);
        filter.Finish();
        Assert.Equal(reference, filter.Path(0));
        Assert.All(filter.Steps, s => Assert.True(s.Resampled));
        // Other particles are fresh: at least one final path differs from the reference.
        Assert.Contains(Enumerable.Range(1, 49), i => !filter.Path(i).SequenceEqual(reference));
    }

    [Fact]
    public void ConditionalSmcChain_HasTheKalmanMeanOfTheLastState()
    {
        // The smoothing mean of x_T is the filtering mean at T. Iterate the CSMC kernel at a = 0.9 and compare.
        var data = GridPosterior.Data;
        var (_, mean, _) = SmcModels.Kalman(data, 0.9);
        var model = new LgssmStruct(data, 0.9);
        var rng = new Rng(6);
        var chains = new double[4][];
        for (var c = 0; c < chains.Length; c++)
        {
            var path = ConditionalSmc.InitialPath<LgssmStruct, double>(model, 10, rng.Split());
            chains[c] = new double[1500];
            for (var i = 0; i < chains[c].Length; i++)
            {
                path = ConditionalSmc.Sample(model, path, 5, rng.Split());
                chains[c][i] = path[^1];
            }
        }
        var moment = Mcmc.MomentCheck.Of(chains, mean);
        output.WriteLine($"CSMC E[x_T]: {moment} (Kalman)");
        Assert.True(Math.Abs(moment.Z) <= 5, $"CSMC E[x_T]: {moment}");
    }

    [Fact]
    public void ParticleGibbsRecoversTheGridPosterior_AndAStaleParameterSweepDoesNot()
    {
        var exact = GridPosterior.Posterior;
        var rng = new Rng(17);
        var chains = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Run<LgssmStruct, double, int>(
            k => new LgssmStruct(GridPosterior.Data, GridPosterior.Grid[k]), UpdateA, 1, 10, 1000, rng.Split())).ToArray();
        var ok = GridPosterior.Matches(GridPosterior.Frequencies(chains.Select(c => c.Parameters).ToArray()), exact, out var report);
        output.WriteLine($"particle Gibbs: {report}");
        Assert.True(ok, report);
        Assert.All(chains[0].Paths, p => Assert.Equal(GridPosterior.Data.Length + 1, p.Length));

        // Negative control: a sweep that runs conditional SMC at a stale parameter (always a = 0.9) instead of the current one.
        var wrongRng = new Rng(17);
        var wrong = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Run<LgssmStruct, double, int>(
            _ => new LgssmStruct(GridPosterior.Data, 0.9), UpdateA, 2, 10, 5000, wrongRng.Split()).Parameters).ToArray();
        var bad = GridPosterior.Matches(GridPosterior.Frequencies(wrong), exact, out var wrongReport);
        output.WriteLine($"negative control: {wrongReport}");
        Assert.False(bad, "negative control passed: " + wrongReport);
    }
}
