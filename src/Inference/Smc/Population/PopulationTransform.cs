namespace Ppl.Inference.Smc;

/// <summary>
/// A transformation of a population applied at a pause (resampling, an MCMC move, nothing). It must be
/// valid: preserve the population's unnormalised measure in expectation (papers.md 1.4).
/// </summary>
/// <param name="population">The population at the pause.</param>
/// <param name="step">The 1-based index of the pause.</param>
/// <param name="rng">The run's master stream (split further for per-particle work, in a fixed order).</param>
/// <param name="options">Parallelism and cancellation.</param>
public delegate Population<T> PopulationTransform<T>(Population<T> population, int step, Rng rng, RunOptions options);
