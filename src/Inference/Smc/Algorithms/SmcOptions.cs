namespace Ppl.Inference.Smc;

/// <summary>Settings shared by the SMC algorithms.</summary>
public sealed record SmcOptions
{
    /// <summary>Defaults: systematic resampling at every pause, run to the end.</summary>
    public static SmcOptions Default { get; } = new();

    /// <summary>The resampling scheme (default systematic).</summary>
    public IResampler Resampler { get; init; } = Resamplers.Systematic;

    /// <summary>
    /// Resample when ESS &lt; threshold·N. 1 (the default) resamples at every pause (ESS ≤ N always, and a
    /// population of equal weights is resampled too); 0 never resamples.
    /// </summary>
    public double EssThreshold { get; init; } = 1.0;

    /// <summary>Apply the transform at most this many pauses, then run to the end (papers.md's k); default: every pause.</summary>
    public int Steps { get; init; } = int.MaxValue;
}
