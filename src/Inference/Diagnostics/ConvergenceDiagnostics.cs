using MathNet.Numerics.Distributions;

namespace Ppl.Inference.Diagnostics;

/// <summary>
/// R-hat, effective sample sizes and Monte Carlo standard errors as defined by Vehtari, Gelman, Simpson,
/// Carpenter and Bürkner (2021), "Rank-normalization, folding, and localization: an improved R-hat",
/// computed as Stan and the <c>posterior</c> package do. Input is draws[chain][draw] of one quantity;
/// chains must have equal length. Quantities undefined for the input (constant draws, fewer than 4
/// draws per chain) are NaN.
/// </summary>
public static class ConvergenceDiagnostics
{
    /// <summary>The classic potential scale reduction √(V̂/W) of the chains as given.</summary>
    public static double RhatBasic(double[][] chains)
    {
        var n = chains[0].Length;
        var means = chains.Select(ChainMath.Mean).ToArray();
        var w = chains.Select(ChainMath.Variance).Average();
        var b = n * ChainMath.Variance(means);
        return Math.Sqrt((b / w + n - 1) / n);
    }

    /// <summary>
    /// Rank-normalised split R-hat: the larger of the split R-hat of the rank-normalised draws (bulk)
    /// and of the rank-normalised folded draws (tails).
    /// </summary>
    public static double Rhat(double[][] chains)
    {
        if (IsDegenerate(chains)) return double.NaN;
        var bulk = RhatBasic(ChainMath.RankNormalize(ChainMath.Split(chains)));
        var tail = RhatBasic(ChainMath.RankNormalize(ChainMath.Split(ChainMath.Fold(chains))));
        return Math.Max(bulk, tail);
    }

    /// <summary>
    /// The effective sample size of the chains as given (no split): Geyer's initial positive sequence of
    /// multi-chain autocorrelations ρ̂ₜ = 1 − (W − mean γ̂ₜ)/V̂⁺, made monotone, with Stan's improved
    /// truncation; ESS = S/τ̂ with τ̂ ≥ 1/log₁₀ S.
    /// </summary>
    public static double EssBasic(double[][] chains)
    {
        var m = chains.Length;
        var n = chains[0].Length;
        if (n < 3 || IsDegenerate(chains)) return double.NaN;
        var acov = chains.Select(c => Autocovariance.Compute(c)).ToArray();
        var chainMeans = chains.Select(ChainMath.Mean).ToArray();
        double MeanAcov(int t)
        {
            double s = 0;
            for (var c = 0; c < m; c++) s += acov[c][t];
            return s / m;
        }
        var meanVar = MeanAcov(0) * n / (n - 1.0);
        var varPlus = meanVar * (n - 1.0) / n;
        if (m > 1) varPlus += ChainMath.Variance(chainMeans);
        var rho = new double[n + 1];
        rho[0] = 1;
        var even = 1.0;
        var odd = 1 - (meanVar - MeanAcov(1)) / varPlus;
        rho[1] = odd;
        var t = 0;
        while (t < n - 5 && !double.IsNaN(even + odd) && even + odd > 0)
        {
            t += 2;
            even = 1 - (meanVar - MeanAcov(t)) / varPlus;
            odd = 1 - (meanVar - MeanAcov(t + 1)) / varPlus;
            if (even + odd >= 0)
            {
                rho[t] = even;
                rho[t + 1] = odd;
            }
        }
        var maxT = t;
        // Stan's improved estimate: keep the last positive even autocorrelation (helps antithetic chains).
        if (even > 0) rho[maxT] = even;
        // Geyer's initial monotone sequence: pair sums may not increase.
        t = 0;
        while (t <= maxT - 4)
        {
            t += 2;
            if (rho[t] + rho[t + 1] > rho[t - 2] + rho[t - 1])
            {
                rho[t] = (rho[t - 2] + rho[t - 1]) / 2;
                rho[t + 1] = rho[t];
            }
        }
        double total = (double)m * n;
        double sum = 0;
        for (var k = 0; k < maxT; k++) sum += rho[k];
        var tau = -1 + 2 * sum + rho[maxT];
        tau = Math.Max(tau, 1 / Math.Log10(total));
        return total / tau;
    }

    /// <summary>Bulk ESS: the ESS of the rank-normalised split chains.</summary>
    public static double EssBulk(double[][] chains) => EssBasic(ChainMath.RankNormalize(ChainMath.Split(chains)));

    /// <summary>ESS of the mean: the ESS of the split chains (no rank normalisation).</summary>
    public static double EssMean(double[][] chains) => EssBasic(ChainMath.Split(chains));

    /// <summary>ESS of the <paramref name="p"/>-quantile: the ESS of the split indicator x ≤ q̂ₚ.</summary>
    public static double EssQuantile(double[][] chains, double p)
    {
        var q = ChainMath.Quantile(chains.SelectMany(c => c).ToArray(), p);
        return EssBasic(ChainMath.Split(ChainMath.Indicator(chains, q)));
    }

    /// <summary>Tail ESS: the smaller of the ESS of the 5% and 95% quantiles.</summary>
    public static double EssTail(double[][] chains) => Math.Min(EssQuantile(chains, 0.05), EssQuantile(chains, 0.95));

    /// <summary>MCSE of the mean: sd / √ESS_mean.</summary>
    public static double McseMean(double[][] chains)
    {
        var all = chains.SelectMany(c => c).ToArray();
        return Math.Sqrt(ChainMath.Variance(all) / EssMean(chains));
    }

    /// <summary>
    /// MCSE of the <paramref name="p"/>-quantile: half the distance between the order statistics at the
    /// ±1 sd points (probabilities 0.1586553, 0.8413447) of Beta(ESS·p + 1, ESS·(1 − p) + 1), ESS being
    /// that of the quantile.
    /// </summary>
    public static double McseQuantile(double[][] chains, double p)
    {
        var ess = EssQuantile(chains, p);
        if (double.IsNaN(ess)) return double.NaN;
        var a = ess * p + 1;
        var b = ess * (1 - p) + 1;
        var lo = Beta.InvCDF(a, b, 0.1586553);
        var hi = Beta.InvCDF(a, b, 0.8413447);
        var sorted = chains.SelectMany(c => c).ToArray();
        Array.Sort(sorted);
        var s = sorted.Length;
        var th1 = sorted[Math.Max((int)Math.Floor(lo * s), 1) - 1];
        var th2 = sorted[Math.Min((int)Math.Ceiling(hi * s), s) - 1];
        return (th2 - th1) / 2;
    }

    private static bool IsDegenerate(double[][] chains)
    {
        var first = chains[0][0];
        foreach (var c in chains)
            foreach (var v in c)
            {
                if (!double.IsFinite(v)) return true;
                if (v != first) return false;
            }
        return true;
    }
}
