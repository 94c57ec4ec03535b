using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>PMMH on a [Model] (its parameter a choice of the model, its prior the model's): the LGSSM's grid posterior of a.</summary>
public class PmmhModelTests(ITestOutputHelper output)
{
    /// <summary>Proposes one of the other grid indices (symmetric).</summary>
    private static (ChoiceMap, double) ProposeOther(ChoiceMap theta, Rng rng) =>
        (theta.Set("k", (theta.Get<int>("k") + 1 + rng.Next(2)) % GridPosterior.Grid.Length), 0.0);

    private static int[][] Chains(double[] data, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, 4).Select(_ =>
            Pmmh.Model(PmmhModels.LgssmWithUnknownAModel, (data, GridPosterior.Grid), ChoiceMap.Empty, ChoiceMap.Empty.Set("k", 1), ProposeOther,
                10, 1200, rng.Split()).Chain.Select(c => c.Get<int>("k")).ToArray()).ToArray();
    }

    [Fact]
    public void Pmmh_on_a_model_recovers_the_grid_posterior_and_other_data_do_not()
    {
        var exact = GridPosterior.Posterior;
        var ok = GridPosterior.Matches(GridPosterior.Frequencies(Chains(GridPosterior.Data, 31)), exact, out var report);
        output.WriteLine($"PMMH on the [Model]: {report}");
        Assert.True(ok, report);
        // Negative control: the chains on data simulated with a = 0.5 (another posterior) do not match this one.
        var other = SmcModels.SimulateLgssm(12, 5, 0.5);
        var bad = GridPosterior.Matches(GridPosterior.Frequencies(Chains(other, 31)), exact, out var wrongReport);
        output.WriteLine($"negative control: {wrongReport}");
        Assert.False(bad, "negative control passed: " + wrongReport);
    }

    [Fact]
    public void A_random_walk_outside_the_support_is_rejected()
    {
        // σ > 0 through HalfNormal: proposals below zero have zero prior density and are rejected, never an error.
        var chain = Pmmh.Model(PmmhModels.ScaleModel, [0.3, -0.4, 1.1], ChoiceMap.Empty, ChoiceMap.Empty.Set("sigma", 1.0),
            Pmmh.RandomWalk(new Dictionary<Address, double> { [new Address("sigma")] = 2.0 }), 5, 200, new Rng(3));
        Assert.All(chain.Chain, c => Assert.True(c.Get<double>("sigma") > 0));
        Assert.InRange(chain.AcceptanceRate, 0.01, 0.99);
        // A misspelled parameter address at the start is the model's own error, not a zero likelihood.
        var e = Assert.ThrowsAny<ModelException>(() => Pmmh.Model(PmmhModels.ScaleModel, [0.3], ChoiceMap.Empty, ChoiceMap.Empty.Set("sigmaa", 1.0),
            Pmmh.RandomWalk(new Dictionary<Address, double> { [new Address("sigmaa")] = 1.0 }), 5, 10, new Rng(3)));
        Assert.Contains("sigmaa", e.Message);
    }
}
