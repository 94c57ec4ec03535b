namespace Ppl.Inference.Diagnostics;

/// <summary>
/// The sample autocorrelation function ρ̂ₜ = γ̂ₜ / γ̂₀ of one chain, from the biased autocovariance of
/// <see cref="Autocovariance"/> (the estimator the effective sample size uses, so an autocorrelation plot shows
/// the same numbers that go into the ESS).
/// </summary>
public static class Autocorrelation
{
    /// <summary>ρ̂ₜ for t = 0 … <paramref name="maxLag"/> (capped at N − 1); ρ̂₀ = 1.</summary>
    /// <param name="x">One chain's draws in sampling order.</param>
    /// <param name="maxLag">The largest lag wanted.</param>
    /// <returns>The autocorrelations; all NaN after lag 0 when the chain is constant; empty for an empty chain.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLag"/> is negative.</exception>
    public static double[] Compute(ReadOnlySpan<double> x, int maxLag)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLag);
        if (x.Length == 0) return [];
        var acov = Autocovariance.Compute(x);
        var lags = Math.Min(maxLag, x.Length - 1);
        var rho = new double[lags + 1];
        rho[0] = 1;
        for (var t = 1; t <= lags; t++) rho[t] = acov[0] > 0 ? acov[t] / acov[0] : double.NaN;
        return rho;
    }

    /// <summary>The autocorrelation function of each chain ([chain][lag]); chains are given as [chain][draw].</summary>
    public static double[][] PerChain(double[][] chains, int maxLag)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return chains.Select(c => Compute(c, maxLag)).ToArray();
    }
}
