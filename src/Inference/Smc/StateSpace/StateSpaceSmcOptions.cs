namespace Ppl.Inference.Smc;

/// <summary>Settings of the typed particle filter (<see cref="StateSpaceSmc"/>).</summary>
public sealed record StateSpaceSmcOptions
{
    /// <summary>Defaults: systematic resampling when ESS &lt; N/2, chunks of 256 particles, no path history.</summary>
    public static StateSpaceSmcOptions Default { get; } = new();

    /// <summary>The resampling scheme (default systematic).</summary>
    public IResampler Resampler { get; init; } = Resamplers.Systematic;

    /// <summary>Resample when ESS &lt; threshold·N: 1 resamples at every step, 0 never (default 0.5).</summary>
    public double EssThreshold { get; init; } = 0.5;

    /// <summary>
    /// Particles per work item and per random stream. Each step splits one stream per chunk from the run's
    /// stream in chunk order, so results depend on the seed and this size, never on the thread count.
    /// </summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>Keep every step's states so that whole paths can be traced back through the ancestry (particle Gibbs needs it).</summary>
    public bool KeepHistory { get; init; }
}
