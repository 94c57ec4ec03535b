using MathNet.Numerics.Distributions;

namespace Ppl.Inference.Diagnostics;

/// <summary>Transformations of draws (chains × draws) that the Vehtari et al. (2021) diagnostics are built from.</summary>
public static class ChainMath
{
    /// <summary>Splits each chain into its first and second halves (the middle draw dropped when the length is odd).</summary>
    public static double[][] Split(double[][] chains)
    {
        var n = chains[0].Length;
        if (n < 2) return chains;
        var half = n / 2;
        var result = new double[chains.Length * 2][];
        for (var c = 0; c < chains.Length; c++)
        {
            result[2 * c] = chains[c][..half];
            result[2 * c + 1] = chains[c][(n - half)..];
        }
        return result;
    }

    /// <summary>
    /// The rank of every draw among all S draws pooled over chains, 1 … S, ties given their average rank, returned in
    /// the chains' shape (what rank normalisation and rank plots are built from).
    /// </summary>
    public static double[][] Ranks(double[][] chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        var all = chains.SelectMany((c, ci) => c.Select((v, i) => (v, ci, i))).ToArray();
        var s = all.Length;
        var order = Enumerable.Range(0, s).OrderBy(k => all[k].v).ToArray();
        var result = chains.Select(c => new double[c.Length]).ToArray();
        for (var i = 0; i < s;)
        {
            var j = i;
            while (j + 1 < s && all[order[j + 1]].v == all[order[i]].v) j++;
            var avg = (i + j) / 2.0 + 1;
            for (var k = i; k <= j; k++) result[all[order[k]].ci][all[order[k]].i] = avg;
            i = j + 1;
        }
        return result;
    }

    /// <summary>
    /// Rank normalisation: each draw replaced by Φ⁻¹((r − 3/8) / (S + 1/4)), r its rank among all S draws
    /// (ties get their average rank).
    /// </summary>
    public static double[][] RankNormalize(double[][] chains)
    {
        var ranks = Ranks(chains);
        var s = ranks.Sum(c => c.Length);
        return ranks.Select(c => c.Select(r => Normal.InvCDF(0, 1, (r - 0.375) / (s + 0.25))).ToArray()).ToArray();
    }

    /// <summary>Folding: |x − median of all draws|, which turns differences in scale into differences in location.</summary>
    public static double[][] Fold(double[][] chains)
    {
        var median = Quantile(chains.SelectMany(c => c).ToArray(), 0.5);
        return chains.Select(c => c.Select(v => Math.Abs(v - median)).ToArray()).ToArray();
    }

    /// <summary>The indicator x ≤ q, as 0/1.</summary>
    public static double[][] Indicator(double[][] chains, double q) =>
        chains.Select(c => c.Select(v => v <= q ? 1.0 : 0.0).ToArray()).ToArray();

    /// <summary>The p-quantile with linear interpolation between order statistics (R's type 7, NumPy's default).</summary>
    public static double Quantile(double[] values, double p)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return QuantileSorted(sorted, p);
    }

    internal static double QuantileSorted(double[] sorted, double p)
    {
        var h = (sorted.Length - 1) * p;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Sample mean.</summary>
    public static double Mean(double[] x) => x.Average();

    /// <summary>Sample variance (denominator n − 1).</summary>
    public static double Variance(double[] x)
    {
        var m = x.Average();
        return x.Sum(v => (v - m) * (v - m)) / (x.Length - 1);
    }
}
