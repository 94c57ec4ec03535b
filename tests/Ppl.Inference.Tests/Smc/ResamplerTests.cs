using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>papers.md 1.6 S4: offspring counts are unbiased, and systematic/stratified beat multinomial on variance.</summary>
public class ResamplerTests
{
    private static readonly double[] Weights = { 0.5, 0.3, 0.15, 0.05 };

    /// <summary>A stream that is not the plain <see cref="Rng"/>, so resamplers take their DrawIndex (enumerable) path.</summary>
    private sealed class SubclassRng(ulong seed) : Rng(seed);

    private static (double[] Mean, double[] Se, double[] Var) Counts(IResampler r, Rng rng, int reps, int n, double[] weights)
    {
        var sum = new double[weights.Length];
        var sumSq = new double[weights.Length];
        var anc = new int[n];
        var c = new int[weights.Length];
        for (var k = 0; k < reps; k++)
        {
            r.Ancestors(weights, anc, rng);
            Array.Clear(c);
            foreach (var a in anc) c[a]++;
            for (var i = 0; i < weights.Length; i++)
            {
                sum[i] += c[i];
                sumSq[i] += (double)c[i] * c[i];
            }
        }
        var mean = sum.Select(s => s / reps).ToArray();
        var variance = sumSq.Select((s, i) => s / reps - mean[i] * mean[i]).ToArray();
        return (mean, variance.Select(v => Math.Sqrt(Math.Max(v, 1e-12) / reps)).ToArray(), variance);
    }

    public static IEnumerable<object[]> Cases =>
        from r in Resamplers.All from plain in new[] { true, false } select new object[] { r.Name, plain };

    [Theory]
    [MemberData(nameof(Cases))]
    public void OffspringCountsAreUnbiased(string name, bool plainStream)
    {
        var r = Resamplers.All.Single(x => x.Name == name);
        Rng rng = plainStream ? new Rng(11) : new SubclassRng(11);
        var (mean, se, _) = Counts(r, rng, 100_000, 4, Weights);
        for (var i = 0; i < Weights.Length; i++)
        {
            var expected = 4 * Weights[i];
            // Residual/systematic can have zero variance for a count (e.g. ⌊4·0.5⌋ = 2 exactly): then exact equality.
            Assert.True(Math.Abs(mean[i] - expected) <= 4 * se[i] + 1e-9, $"{name}: E[N_{i}] = {mean[i]} vs {expected} (SE {se[i]})");
        }
        // A larger, uneven population too.
        var w = Enumerable.Range(1, 10).Select(i => (double)i * i).ToArray();
        var total = w.Sum();
        w = w.Select(x => x / total).ToArray();
        var (m2, se2, _) = Counts(r, rng, 20_000, 10, w);
        for (var i = 0; i < w.Length; i++)
            Assert.True(Math.Abs(m2[i] - 10 * w[i]) <= 4.5 * se2[i] + 1e-9, $"{name}: E[N_{i}] = {m2[i]} vs {10 * w[i]} (SE {se2[i]})");
    }

    [Fact]
    public void NegativeControl_ABiasedResamplerFailsTheSameTest()
    {
        // Ancestors drawn ∝ √w instead of w.
        var biased = Weights.Select(Math.Sqrt).ToArray();
        var s = biased.Sum();
        var (mean, se, _) = Counts(Resamplers.Multinomial, new Rng(11), 100_000, 4, biased.Select(x => x / s).ToArray());
        Assert.Contains(Enumerable.Range(0, 4), i => Math.Abs(mean[i] - 4 * Weights[i]) > 4 * se[i]);
    }

    [Fact]
    public void SystematicStratifiedAndResidualHaveLowerVarianceThanMultinomial()
    {
        var (_, _, vm) = Counts(Resamplers.Multinomial, new Rng(5), 100_000, 4, Weights);
        foreach (var r in new[] { Resamplers.Systematic, Resamplers.Stratified, Resamplers.Residual })
        {
            var (_, _, v) = Counts(r, new Rng(5), 100_000, 4, Weights);
            for (var i = 0; i < Weights.Length; i++)
                Assert.True(v[i] <= vm[i] * 1.02, $"{r.Name}: var N_{i} = {v[i]} vs multinomial {vm[i]}");
        }
    }

    [Fact]
    public void ResamplingPreservesTheTotalWeightExactly_AndGivesEveryOffspringZOverN()
    {
        var pop = new Population<int>(new[] { 0, 1, 2, 3 }, Weights.Select(w => Math.Log(w * 0.37)).ToArray());
        foreach (var r in Resamplers.All)
        {
            var after = pop.Resample(r, new Rng(2));
            Assert.Equal(pop.LogEvidence, after.LogEvidence, 12);
            Assert.All(after.LogWeights, lw => Assert.Equal(pop.LogEvidence - Math.Log(4), lw, 12));
            Assert.NotNull(after.Ancestors);
        }
        var dead = new Population<int>(new[] { 0, 1 }, new[] { double.NegativeInfinity, double.NegativeInfinity });
        Assert.Same(dead, dead.Resample(Resamplers.Systematic, new Rng(1)));
        Assert.Equal(0, dead.EffectiveSampleSize);
    }
}
