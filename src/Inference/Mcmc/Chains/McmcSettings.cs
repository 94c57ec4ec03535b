namespace Ppl.Inference.Mcmc;

/// <summary>How many chains, warm-up and kept draws, thinning, and where chains start.</summary>
public sealed record McmcSettings
{
    /// <summary>Number of chains (default 4).</summary>
    public int Chains { get; init; } = 4;

    /// <summary>Warm-up iterations per chain, not kept (default 1000).</summary>
    public int Warmup { get; init; } = 1000;

    /// <summary>Kept draws per chain (default 1000).</summary>
    public int Draws { get; init; } = 1000;

    /// <summary>Keep every <see cref="Thin"/>-th draw (default 1).</summary>
    public int Thin { get; init; } = 1;

    /// <summary>Initialisation (default: uniform in [−2, 2] unconstrained, as Stan).</summary>
    public InitStrategy Init { get; init; } = InitStrategy.Uniform();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Chains, 1, nameof(Chains));
        ArgumentOutOfRangeException.ThrowIfNegative(Warmup, nameof(Warmup));
        ArgumentOutOfRangeException.ThrowIfLessThan(Draws, 1, nameof(Draws));
        ArgumentOutOfRangeException.ThrowIfLessThan(Thin, 1, nameof(Thin));
    }
}
