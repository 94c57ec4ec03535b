namespace Ppl.Inference.Smc;

/// <summary>Resampling of a population (papers.md 1.3, resampleGeneric).</summary>
public static class PopulationResampling
{
    /// <summary>
    /// Draws N ancestors with <paramref name="resampler"/> from the normalised weights and gives every
    /// offspring weight Z/N, so the total weight (the evidence estimate) is preserved exactly and the
    /// weighted empirical measure is preserved in expectation. When Z = 0 the population is returned
    /// unchanged (there is nothing to resample from; the caller decides whether that is an error).
    /// </summary>
    public static Population<T> Resample<T>(this Population<T> population, IResampler resampler, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(resampler);
        ArgumentNullException.ThrowIfNull(rng);
        if (double.IsNegativeInfinity(population.LogEvidence)) return population;
        var n = population.Count;
        var ancestors = new int[n];
        resampler.Ancestors(population.NormalizedWeights(), ancestors, rng);
        var particles = new T[n];
        for (var i = 0; i < n; i++) particles[i] = population.Particles[ancestors[i]];
        var lw = population.LogEvidence - Math.Log(n);
        var weights = new double[n];
        Array.Fill(weights, lw);
        return new Population<T>(particles, weights, ancestors);
    }

    /// <summary>Resamples only when the effective sample size is below <paramref name="threshold"/>·N
    /// (valid: the decision depends only on the current weights).</summary>
    public static Population<T> ResampleIfEssBelow<T>(this Population<T> population, double threshold, IResampler resampler, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(population);
        return population.EffectiveSampleSize < threshold * population.Count ? population.Resample(resampler, rng) : population;
    }
}
