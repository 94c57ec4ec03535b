using Ppl.Distributions;
using Ppl.Enumeration;
using Xunit;
using static Ppl.Tests.TestModels;

namespace Ppl.Tests.Enumeration;

/// <summary>The exact enumeration interpreter against hand-computed answers (papers.md 1.6).</summary>
public class EnumerateTests
{
    [Fact]
    public void SprinklerEvidenceAndPosteriorMatchTheHandComputedValues()
    {
        var result = Enumerate.Model(Sprinkler, Unit.Value);
        // Z = 0.3·0.2·(0.1·0.1 + 0.9) + 0.7·(0.4·0.1 + 0.6)
        Assert.Equal(0.5026, result.Evidence, 12);
        Assert.Equal(4, result.Entries.Count);
        Assert.Equal(0.0546 / 0.5026, result.Probability(e => e.Value), 12);
        Assert.Equal(0.108635, result.Probability(e => e.Value), 6);
    }

    [Fact]
    public void TwoSyncHasEvidenceOneQuarterAndPosteriorAtTwo()
    {
        var twoSync = DynamicModel.Create("twoSync", t =>
        {
            var x = t.Sample("x", new Bernoulli(0.5)) ? 1 : 0;
            t.Factor(Math.Log(x));
            var y = t.Sample("y", new Bernoulli(0.5)) ? 1 : 0;
            t.Factor(Math.Log(y));
            return x + y;
        });
        var result = Enumerate.Model(twoSync, Unit.Value);
        Assert.Equal(0.25, result.Evidence, 12);
        Assert.Equal(1.0, result.Probability(e => e.Value == 2), 12);
    }

    [Fact]
    public void ConstraintsConditionTheEnumeration()
    {
        var result = Enumerate.Model(Sprinkler, Unit.Value, ChoiceMap.From(("sprinkler", true)));
        Assert.Equal(2, result.Entries.Count);
        var z = 0.3 * 0.2 * 0.1 * 0.1 + 0.7 * 0.4 * 0.1;
        Assert.Equal(z, result.Evidence, 12);
    }

    [Fact]
    public void EnumeratingAContinuousModelFailsClearly()
    {
        var e = Assert.Throws<InferenceException>(() => Enumerate.Model(Fixed, 1));
        Assert.Contains("continuous", e.Message);
    }

    [Fact]
    public void RandomizedProgramsAreEnumeratedWithTheirPathProbabilities()
    {
        // An index drawn with weights (1, 3) then a fair coin: exact distribution of the pair.
        var result = Enumerate.Program(rng => (rng.DrawIndex(new[] { 1.0, 3.0 }), rng.DrawFinite(new Bernoulli(0.5))));
        Assert.Equal(4, result.Entries.Count);
        Assert.Equal(1.0, result.Evidence, 12);
        Assert.Equal(0.375, result.Probability(e => e.Value == (1, true)), 12);
    }
}
