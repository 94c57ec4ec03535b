namespace Ppl.Inference.Batched;

/// <summary>How many-chain HMC adapts its step size and trajectory length during warm-up.</summary>
public enum ManyChainAdaptation
{
    /// <summary>One step size per chain, each by its own dual averaging; a fixed number of leapfrog steps.</summary>
    PerChainStepSize,

    /// <summary>One step size shared by all chains, by dual averaging of the mean acceptance; a fixed number of leapfrog steps.</summary>
    SharedStepSize,

    /// <summary>
    /// ChEES-HMC (Hoffman, Radul, Sountsov 2021): a shared step size by dual averaging, and a shared
    /// trajectory length adapted by Adam on the ensemble's change-in-the-estimator-of-the-expected-square
    /// criterion, with quasi-random jitter of the number of leapfrog steps. Suits many short chains.
    /// </summary>
    ChEES,
}

/// <summary>Settings of <see cref="ManyChainHmc"/>.</summary>
public sealed record ManyChainHmcSettings
{
    /// <summary>Warm-up iterations (adaptation; not kept).</summary>
    public int Warmup { get; init; } = 200;

    /// <summary>Kept iterations per chain.</summary>
    public int Draws { get; init; } = 200;

    /// <summary>The adaptation scheme.</summary>
    public ManyChainAdaptation Adaptation { get; init; } = ManyChainAdaptation.ChEES;

    /// <summary>Leapfrog steps per iteration for the fixed-length schemes (and ChEES's initial trajectory, in steps).</summary>
    public int LeapfrogSteps { get; init; } = 10;

    /// <summary>The cap on leapfrog steps per iteration (ChEES).</summary>
    public int MaxLeapfrogSteps { get; init; } = 256;

    /// <summary>The initial step size (refined by a doubling/halving search before warm-up).</summary>
    public double InitialStepSize { get; init; } = 0.1;

    /// <summary>The acceptance probability dual averaging aims at (null: 0.8, or 0.651 for ChEES).</summary>
    public double? TargetAccept { get; init; }

    /// <summary>Adapt a diagonal metric from the ensemble's variance in warm-up windows.</summary>
    public bool AdaptMetric { get; init; } = true;

    /// <summary>Adam's learning rate for log trajectory length (ChEES).</summary>
    public double TrajectoryLearningRate { get; init; } = 0.05;

    /// <summary>Progress in iterations (warm-up then sampling).</summary>
    public IProgress<Progress>? Progress { get; init; }

    /// <summary>Stops the run between iterations.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Test hook: accept on the potential energy alone (a wrong sampler, for negative controls).</summary>
    internal bool IgnoreKineticEnergy { get; init; }
}
