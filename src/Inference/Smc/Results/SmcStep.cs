namespace Ppl.Inference.Smc;

/// <summary>What happened at one pause of an SMC run.</summary>
/// <param name="Step">The 1-based pause index.</param>
/// <param name="EffectiveSampleSize">Kish's ESS of the weights after the advance, before any resampling.</param>
/// <param name="Resampled">Whether the population was resampled at this pause.</param>
/// <param name="LogEvidence">log Ẑ of the data up to this pause.</param>
/// <param name="UniqueAncestors">When resampled, the number of distinct parents among the offspring; otherwise N.</param>
public readonly record struct SmcStep(int Step, double EffectiveSampleSize, bool Resampled, double LogEvidence, int UniqueAncestors);
