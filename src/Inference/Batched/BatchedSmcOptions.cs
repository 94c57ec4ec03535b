using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>Settings of <see cref="BatchedSmc"/>.</summary>
public sealed record BatchedSmcOptions
{
    /// <summary>Where the particles live (CPU when null).</summary>
    public Device? Device { get; init; }

    /// <summary>The floating dtype of values and weights.</summary>
    public ScalarType DType { get; init; } = ScalarType.Float64;

    /// <summary>Resample when ESS &lt; threshold × N; 1 resamples at every step, 0 never.</summary>
    public double ResampleThreshold { get; init; } = 1.0;

    /// <summary>An optional rejuvenation move applied to the newest step's latent choices after resampling.</summary>
    public BatchedMove? Move { get; init; }

    /// <summary>
    /// Keep the choices of every step (each resampling then index-selects the whole history, O(t·N) per
    /// step); otherwise only the newest step's choices and the carried state are kept.
    /// </summary>
    public bool KeepHistory { get; init; }

    /// <summary>Progress in steps.</summary>
    public IProgress<Progress>? Progress { get; init; }

    /// <summary>Stops the run between steps.</summary>
    public CancellationToken Cancellation { get; init; }
}
