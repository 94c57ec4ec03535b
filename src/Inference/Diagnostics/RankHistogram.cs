namespace Ppl.Inference.Diagnostics;

/// <summary>
/// The histograms behind rank plots (Vehtari et al. 2021, § 4.1): the draws of all chains are pooled and ranked,
/// the ranks are split back by chain and counted in equal bins. When the chains sample the same distribution each
/// chain's ranks are uniform over 1 … S, so every bin holds about N / bins draws; a chain that sits higher or
/// lower than the others, or explores less, piles its ranks into some bins.
/// </summary>
public static class RankHistogram
{
    /// <summary>Counts of each chain's pooled ranks in <paramref name="bins"/> equal bins over 1 … S, as [chain][bin].</summary>
    /// <param name="chains">Draws as [chain][draw].</param>
    /// <param name="bins">The number of bins.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bins"/> is less than one.</exception>
    /// <exception cref="ArgumentException">No draws.</exception>
    public static int[][] Counts(double[][] chains, int bins)
    {
        ArgumentNullException.ThrowIfNull(chains);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var s = chains.Sum(c => c.Length);
        if (s == 0) throw new ArgumentException("No draws to rank.", nameof(chains));
        var ranks = ChainMath.Ranks(chains);
        return ranks.Select(c =>
        {
            var counts = new int[bins];
            // Rank r in 1 … S falls in bin ⌊(r − 1) · bins / S⌋; an average rank of ties lands where its value does.
            foreach (var r in c) counts[Math.Clamp((int)Math.Floor((r - 1) * bins / s), 0, bins - 1)]++;
            return counts;
        }).ToArray();
    }

    /// <summary>
    /// Pearson's χ² statistic Σ (Oᵢ − Eᵢ)² / Eᵢ of one chain's counts against the uniform expectation (its total over the
    /// bins); about χ²(bins − 1) distributed when the chain's ranks are uniform.
    /// </summary>
    public static double ChiSquare(IReadOnlyList<int> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0) return double.NaN;
        var expected = counts.Sum() / (double)counts.Count;
        return expected > 0 ? counts.Sum(o => (o - expected) * (o - expected) / expected) : double.NaN;
    }
}
