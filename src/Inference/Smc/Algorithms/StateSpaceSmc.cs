namespace Ppl.Inference.Smc;

/// <summary>
/// The fast path for state-space models: bootstrap SMC (ESS-adaptive, any resampler) on a typed state with
/// the model as a struct type parameter, so each particle-step is an inlined transition draw and observation
/// density on flat arrays, with no traces, choice maps or allocation per particle. Same estimator as
/// <see cref="BootstrapSmc"/> and <see cref="UnfoldSmc"/> (the weight sum is an unbiased Ẑ).
/// </summary>
public static class StateSpaceSmc
{
    /// <summary>Runs the particle filter over all of the model's steps.</summary>
    /// <param name="model">The model (a struct implementing <see cref="IStateSpaceModel{TState}"/> for full speed).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="smc">Resampler, ESS threshold, chunk size, history.</param>
    /// <param name="options">Parallelism, progress (one report per step) and cancellation.</param>
    public static StateSpaceSmcResult<TState> Run<TModel, TState>(TModel model, int particles, Rng rng,
        StateSpaceSmcOptions? smc = null, RunOptions? options = null) where TModel : IStateSpaceModel<TState>
    {
        smc ??= StateSpaceSmcOptions.Default;
        var filter = new ParticleFilter<TModel, TState>(model, particles, rng, smc, options);
        filter.Finish();
        return filter.Result($"state-space SMC ({smc.Resampler.Name}, ESS threshold {smc.EssThreshold})");
    }

    /// <summary>Only log Ẑ, without building a result (for PMMH and benchmarks).</summary>
    public static double LogEvidence<TModel, TState>(TModel model, int particles, Rng rng,
        StateSpaceSmcOptions? smc = null, RunOptions? options = null) where TModel : IStateSpaceModel<TState> =>
        new ParticleFilter<TModel, TState>(model, particles, rng, smc, options).Finish();
}
