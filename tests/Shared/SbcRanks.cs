namespace Ppl.Inference.Tests.Mcmc;

/// <summary>The two pieces of simulation-based calibration every SBC test uses: a rank, and the uniformity test on the ranks.</summary>
internal static class SbcRanks
{
    /// <summary>Rank of <paramref name="truth"/> among the draws, ties broken uniformly at random (needed for discrete parameters).</summary>
    public static int Rank(double truth, IEnumerable<double> draws, Rng rng)
    {
        int below = 0, ties = 0;
        foreach (var d in draws)
        {
            if (d < truth) below++;
            else if (d == truth) ties++;
        }
        return below + rng.Next(ties + 1);
    }

    /// <summary>The chi-square statistic and its p-value for ranks in {0, …, <paramref name="maxRank"/>} in <paramref name="bins"/> equal bins.</summary>
    public static (double Chi2, double P) Uniformity(IEnumerable<int> ranks, int maxRank, int bins)
    {
        var counts = new int[bins];
        var n = 0;
        foreach (var r in ranks)
        {
            counts[r * bins / (maxRank + 1)]++;
            n++;
        }
        var expected = (double)n / bins;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        return (chi2, 1 - MathNet.Numerics.Distributions.ChiSquared.CDF(bins - 1, chi2));
    }
}
