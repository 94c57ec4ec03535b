namespace Ppl.Inference.Diagnostics;

/// <summary>
/// The estimated Bayesian fraction of missing information (E-BFMI) of Betancourt (2016), "Diagnosing suboptimal
/// cotangent disintegrations in Hamiltonian Monte Carlo": how well the momentum resampling of Hamiltonian Monte
/// Carlo explores the marginal energy distribution. With the Hamiltonian Eₙ at each kept draw of one chain,
/// E-BFMI = Σₙ₌₂ᴺ (Eₙ − Eₙ₋₁)² / Σₙ₌₁ᴺ (Eₙ − Ē)². Values below about 0.3 indicate that the chain explores the
/// energy levels poorly (heavy tails, funnels).
/// </summary>
public static class EnergyFraction
{
    /// <summary>E-BFMI below this value is commonly reported as a problem (Stan and ArviZ warn under 0.3).</summary>
    public const double WarningThreshold = 0.3;

    /// <summary>The E-BFMI of one chain's energy sequence.</summary>
    /// <param name="energy">The Hamiltonian at each kept draw, in sampling order.</param>
    /// <returns>The E-BFMI; NaN when there are fewer than two values, any value is not finite, or the energy is constant.</returns>
    public static double Compute(ReadOnlySpan<double> energy)
    {
        var n = energy.Length;
        if (n < 2) return double.NaN;
        double mean = 0;
        foreach (var e in energy)
        {
            if (!double.IsFinite(e)) return double.NaN;
            mean += e;
        }
        mean /= n;
        double transitions = 0, spread = 0;
        for (var i = 0; i < n; i++)
        {
            var d = energy[i] - mean;
            spread += d * d;
            if (i > 0)
            {
                var step = energy[i] - energy[i - 1];
                transitions += step * step;
            }
        }
        return spread > 0 ? transitions / spread : double.NaN;
    }

    /// <summary>The E-BFMI of each chain; energy is given as [chain][draw].</summary>
    public static double[] PerChain(double[][] energy)
    {
        ArgumentNullException.ThrowIfNull(energy);
        return energy.Select(c => Compute(c)).ToArray();
    }
}
