using MathNet.Numerics.Distributions;
using Ppl.Inference.Diagnostics;
using Xunit;

namespace Ppl.Plotting.Tests;

/// <summary>E-BFMI, the autocorrelation function and rank histograms against values known exactly or in distribution, with negative controls.</summary>
public sealed class McmcDiagnosticsTests
{
    [Fact]
    public void Ebfmi_of_hand_made_energies()
    {
        // E = 1, 3, 2, 6: mean 3; Σ(Eₙ − Eₙ₋₁)² = 4 + 1 + 16 = 21; Σ(Eₙ − Ē)² = 4 + 0 + 1 + 9 = 14.
        Assert.Equal(21.0 / 14.0, EnergyFraction.Compute([1, 3, 2, 6]), 14);
        // E = 1 … 5: transitions 4 · 1 = 4, spread 4 + 1 + 0 + 1 + 4 = 10: a slow drift gives a small E-BFMI.
        Assert.Equal(0.4, EnergyFraction.Compute([1, 2, 3, 4, 5]), 14);
        Assert.Equal([1.5, 0.4], EnergyFraction.PerChain([[1, 3, 2, 6], [1, 2, 3, 4, 5]]));
        Assert.True(double.IsNaN(EnergyFraction.Compute([2, 2, 2])));           // constant energy
        Assert.True(double.IsNaN(EnergyFraction.Compute([1, double.NaN, 2])));  // a kernel without energies
        Assert.True(double.IsNaN(EnergyFraction.Compute([1])));
    }

    [Fact]
    public void Ebfmi_of_independent_energies_is_near_two_and_of_a_random_walk_near_zero()
    {
        var rng = new Rng(11);
        var iid = Enumerable.Range(0, 20_000).Select(_ => rng.NextGaussian()).ToArray();
        // For independent draws E(Eₙ − Eₙ₋₁)² = 2 Var E, so E-BFMI → 2.
        Assert.InRange(EnergyFraction.Compute(iid), 1.9, 2.1);
        var walk = new double[20_000];
        for (var i = 1; i < walk.Length; i++) walk[i] = walk[i - 1] + rng.NextGaussian();
        Assert.True(EnergyFraction.Compute(walk) < EnergyFraction.WarningThreshold);
    }

    private static double[] Ar1(int n, double phi, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new double[n];
        var prev = rng.NextGaussian() / Math.Sqrt(1 - phi * phi);   // stationary start
        for (var i = 0; i < n; i++) x[i] = prev = phi * prev + rng.NextGaussian();
        return x;
    }

    [Fact]
    public void Autocorrelation_of_an_ar1_series_is_phi_to_the_lag()
    {
        const int n = 100_000;
        const double phi = 0.6;
        var rho = Autocorrelation.Compute(Ar1(n, phi, 3), maxLag: 10);
        Assert.Equal(11, rho.Length);
        Assert.Equal(1.0, rho[0]);
        // Bartlett's formula bounds Var ρ̂ₖ by (1 + φ²) / (1 − φ²) / n for an AR(1) series.
        var se = Math.Sqrt((1 + phi * phi) / (1 - phi * phi) / n);
        for (var k = 1; k <= 10; k++) Assert.InRange(rho[k], Math.Pow(phi, k) - 4 * se, Math.Pow(phi, k) + 4 * se);
        // Negative control: the same estimator tells φ = 0.6 from φ = 0.5.
        Assert.True(Math.Abs(rho[1] - 0.5) > 20 * se);
        // Independent draws: ρₖ ≈ 0.
        var white = Autocorrelation.Compute(Ar1(n, 0, 4), maxLag: 5);
        for (var k = 1; k <= 5; k++) Assert.InRange(white[k], -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
    }

    [Fact]
    public void Autocorrelation_caps_the_lag_and_handles_constant_chains()
    {
        Assert.Equal(3, Autocorrelation.Compute([1.0, 2, 4], maxLag: 50).Length);
        Assert.True(double.IsNaN(Autocorrelation.Compute([5.0, 5, 5], maxLag: 2)[1]));
        Assert.Empty(Autocorrelation.Compute([], maxLag: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Autocorrelation.Compute([1.0, 2], maxLag: -1));
        var perChain = Autocorrelation.PerChain([[1.0, 2, 3, 4], [4.0, 3, 2, 1]], maxLag: 1);
        // Both chains: mean 2.5, γ̂₀ = (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25, γ̂₁ = (−1.5·−0.5 + −0.5·0.5 + 0.5·1.5) / 4 = 0.3125.
        Assert.Equal(0.25, perChain[0][1], 12);
        Assert.Equal(0.25, perChain[1][1], 12);
    }

    [Fact]
    public void Ranks_are_pooled_with_ties_averaged()
    {
        var ranks = ChainMath.Ranks([[1.0, 2], [2.0, 3]]);
        Assert.Equal([1.0, 2.5], ranks[0]);
        Assert.Equal([2.5, 4.0], ranks[1]);
        // Rank r of S = 4 goes to bin ⌊(r − 1) · 2 / 4⌋: ranks 1 and 2.5 to bin 0, rank 4 to bin 1.
        var counts = RankHistogram.Counts([[1.0, 2], [2.0, 3]], bins: 2);
        Assert.Equal([2, 0], counts[0]);
        Assert.Equal([1, 1], counts[1]);
        var apart = RankHistogram.Counts([[1.0, 2], [3.0, 4]], bins: 2);
        Assert.Equal([2, 0], apart[0]);
        Assert.Equal([0, 2], apart[1]);
        Assert.Equal(4.0, RankHistogram.ChiSquare([2, 0, 2, 0]));   // expected 1 per bin: 1 + 1 + 1 + 1
    }

    private static double[][] Iid(int chains, int n, ulong seed, double shiftOfFirst = 0)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, chains)
            .Select(c => Enumerable.Range(0, n).Select(_ => rng.NextGaussian() + (c == 0 ? shiftOfFirst : 0)).ToArray()).ToArray();
    }

    [Fact]
    public void Ranks_of_iid_chains_are_uniform_and_of_a_shifted_chain_are_not()
    {
        const int bins = 20, n = 1_000;
        var limit = ChiSquared.InvCDF(bins - 1, 0.999);
        var counts = RankHistogram.Counts(Iid(4, n, 21), bins);
        Assert.Equal(4, counts.Length);
        foreach (var c in counts)
        {
            Assert.Equal(n, c.Sum());
            Assert.InRange(RankHistogram.ChiSquare(c), 0, limit);
        }
        // Negative control: the first chain sits one standard deviation higher, so its ranks pile up at the top and the
        // others' at the bottom.
        var shifted = RankHistogram.Counts(Iid(4, n, 21, shiftOfFirst: 1), bins);
        Assert.True(RankHistogram.ChiSquare(shifted[0]) > 10 * limit, $"chi-square {RankHistogram.ChiSquare(shifted[0])}");
        // About 14% of the shifted chain lies above the pooled 95% quantile (2.07), against 5% for uniform ranks.
        Assert.True(shifted[0][bins - 1] > 2 * n / bins, $"{shifted[0][bins - 1]} draws in the top bin");
        Assert.True(RankHistogram.ChiSquare(shifted[1]) > limit, $"chi-square {RankHistogram.ChiSquare(shifted[1])}");
    }

    [Fact]
    public void Rank_normalisation_is_unchanged_by_the_shared_ranks()
    {
        // Φ⁻¹((r − 3/8) / (S + 1/4)) with S = 4 and the ranks of the test above.
        var z = ChainMath.RankNormalize([[1.0, 2], [2.0, 3]]);
        Assert.Equal(Normal.InvCDF(0, 1, (1 - 0.375) / 4.25), z[0][0], 14);
        Assert.Equal(Normal.InvCDF(0, 1, (2.5 - 0.375) / 4.25), z[1][0], 14);
        Assert.Equal(Normal.InvCDF(0, 1, (4 - 0.375) / 4.25), z[1][1], 14);
    }
}
