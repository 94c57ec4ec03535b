using Ppl.Modeling;

namespace Ppl.Inference.Smc;

/// <summary>
/// Bootstrap SMC over a <c>[Model]</c> method (SPEC M7), through its generated <c>…Resumable</c> property:
/// particles are the model's resumable executions, advanced to the next Observe/Factor, reweighted,
/// resampled and cloned, so a run costs O(T) body work for T observations. A model the generator could not
/// lower (diagnostic PPL0010 names the construct) runs by replay from a recorded prefix instead (O(T²)),
/// with the same result. Same driver, options and result as <see cref="BootstrapSmc"/>.
/// </summary>
public static class ResumableSmc
{
    /// <summary>Runs bootstrap SMC on a generated model.</summary>
    /// <param name="model">The generated <c>…Resumable</c> of the model; every Observe/Factor is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <param name="replay">Run by replay even when the model is resumable (for comparisons).</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(ResumableModel<TArgs, TRet> model, TArgs args, int particles, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null, bool replay = false) =>
        Run(model, args, ChoiceMap.Empty, particles, rng, smc, options, replay);

    /// <summary>
    /// Runs bootstrap SMC on a generated model conditioned on <paramref name="observations"/>: values for Sample sites,
    /// each observed and a pause, as an Observe is (so a model that observes its data with constrained Sample sites has
    /// the same intermediate targets as one written with Observe). The generated state machine pauses after each Sample
    /// statement whose address is observed, where replay pauses, so the run stays O(T) and gives replay's result under a
    /// seed; a model whose Samples the generator could not all follow by a pause
    /// (<see cref="ResumableModel{TArgs, TRet}.ObservationsFallbackReason"/>) runs by replay (O(T²) body work).
    /// </summary>
    /// <param name="model">The generated <c>…Resumable</c> of the model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty: the model observes everything itself).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <param name="replay">Run by replay even when the model is resumable (for comparisons).</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(ResumableModel<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null, bool replay = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        smc ??= SmcOptions.Default;
        var resumable = !replay && CanResume(model, observations);
        IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> paused = resumable
            ? new ResumableFunction<TArgs, TRet>(model, observations)
            : new PausingModel<TArgs, TRet>(model.Replay, observations).Function;
        var how = resumable ? "resumable" : "replay";
        var algorithm = $"SMC ({how}, {smc.Resampler.Name}, ESS threshold {smc.EssThreshold})";
        ArgumentNullException.ThrowIfNull(rng);
        // The flat driver gives the engine's result with the same streams; the enumerator needs the engine's single walk.
        if (paused is ResumableFunction<TArgs, TRet> function && Resamplers.IsPlain(rng))
            return ResumableParticles.Run(function, args, particles, smc, algorithm, rng, options ?? RunOptions.Default);
        return SmcEngine.Run(model.Function, paused, args, particles, SmcEngine.Resampling<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(smc), smc.Steps,
            algorithm, rng, options, observations);
    }

    /// <summary>True when SMC on <paramref name="model"/> given <paramref name="observations"/> can run on its state machine.</summary>
    internal static bool CanResume<TArgs, TRet>(ResumableModel<TArgs, TRet> model, ChoiceMap observations) =>
        model.IsResumable && (observations.IsEmpty || model.TakesObservations);

    /// <summary>
    /// The paused form SMC runs a model on, given values of its Sample sites: the state machine where the model has one
    /// that takes them (O(T) per filter), else the replay form (O(T²)); under one seed both give the same run.
    /// </summary>
    internal static IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> Paused<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model,
        ChoiceMap observations) =>
        model is IHasResumableForm<TArgs, TRet> r && CanResume(r.Resumable, observations)
            ? new ResumableFunction<TArgs, TRet>(r.Resumable, observations)
            : new PausingModel<TArgs, TRet>(BootstrapSmc.ReplayForm(model), observations).Function;
}
