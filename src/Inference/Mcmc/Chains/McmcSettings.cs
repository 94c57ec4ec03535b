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

    /// <summary>
    /// For a <c>[Model]</c> sampled through <c>McmcSampler.Sample(model, …)</c>: sum every unobserved discrete choice
    /// with a finite support (Bernoulli, Categorical, Binomial, DiscreteUniform) out of the density exactly, as Stan's
    /// <c>log_mix</c> or NumPyro's enumeration do, so that a gradient kernel samples the continuous choices of a model
    /// with discrete latents, and report each summed choice's posterior mean given the draw (Rao–Blackwellised) after the
    /// deterministic quantities. One run of the model per combination of values per gradient (default false: discrete
    /// choices must be observed or given).
    /// </summary>
    public bool SumOutDiscrete { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Chains, 1, nameof(Chains));
        ArgumentOutOfRangeException.ThrowIfNegative(Warmup, nameof(Warmup));
        ArgumentOutOfRangeException.ThrowIfLessThan(Draws, 1, nameof(Draws));
        ArgumentOutOfRangeException.ThrowIfLessThan(Thin, 1, nameof(Thin));
    }
}
