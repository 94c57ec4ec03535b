namespace Ppl.Inference.Smc;

/// <summary>Sequential importance sampling: sequentially id k ∘ spawn N. Same estimates as importance sampling, run pause by pause.</summary>
public static class Sis
{
    /// <summary>Runs SIS with the prior as proposal.</summary>
    /// <param name="model">The model; every Observe/Factor is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, int particles, Rng rng, RunOptions? options = null) =>
        Run(model, args, ChoiceMap.Empty, particles, rng, options);

    /// <summary>Runs SIS with the prior as proposal, the model conditioned on <paramref name="observations"/>.</summary>
    /// <param name="model">The model; every Observe/Factor, and every Sample at an observed address, is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (as constraints are given to importance sampling and MCMC).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        RunOptions? options = null) =>
        SmcEngine.Run(model, args, observations, particles, (p, _, _, _) => p, int.MaxValue, "SIS", rng, options);
}
