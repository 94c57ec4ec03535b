namespace Ppl.Inference.Smc;

/// <summary>The evidence operations of a population (papers.md 1.3: extractEvidence, proper, collapse).</summary>
public static class PopulationEvidence
{
    /// <summary>
    /// extractEvidence: the population with weights normalised to sum to one (uniform when Z = 0), and
    /// log Z, which the caller must carry as an outer weight for the measure to be preserved.
    /// </summary>
    public static (Population<T> Normalized, double LogEvidence) ExtractEvidence<T>(this Population<T> population)
    {
        ArgumentNullException.ThrowIfNull(population);
        var w = population.NormalizedWeights();
        return (population.WithLogWeights(w.Select(x => Math.Log(x)).ToArray()), population.LogEvidence);
    }

    /// <summary>
    /// proper / collapse: one particle chosen with probability proportional to its weight, weighted by
    /// Ẑ. E[Ẑ·δ_x] equals the population's measure, so this is a properly weighted single sample. The
    /// choice draws through <see cref="Rng.DrawIndex"/>, so the enumerator can branch on it.
    /// </summary>
    public static (T Particle, double LogWeight) Collapse<T>(this Population<T> population, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        if (double.IsNegativeInfinity(population.LogEvidence))
            return (population.Particles[0], double.NegativeInfinity);
        var i = rng.DrawIndex(population.NormalizedWeights());
        return (population.Particles[i], population.LogEvidence);
    }
}
