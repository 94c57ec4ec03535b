namespace Ppl.Inference.Smc;

/// <summary>
/// Bootstrap SMC (the particle filter): sequentially (resample) k ∘ spawn N, with the prior as proposal
/// at each step and resampling at every pause or, ESS-adaptively, when ESS &lt; threshold·N.
/// </summary>
public static class BootstrapSmc
{
    /// <summary>Runs bootstrap SMC.</summary>
    /// <param name="model">The model; every Observe/Factor is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, int particles, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null) =>
        Run(model, args, ChoiceMap.Empty, particles, rng, smc, options);

    /// <summary>
    /// Runs bootstrap SMC on the model conditioned on <paramref name="observations"/>: a Sample at an observed address
    /// is an observation and a pause, as an Observe is, so a model that observes its data through constrained Sample
    /// sites gets the same intermediate targets as one written with Observe.
    /// </summary>
    /// <param name="model">The model; every Observe/Factor, and every Sample at an observed address, is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (as constraints are given to importance sampling and MCMC).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null)
    {
        smc ??= SmcOptions.Default;
        return SmcEngine.Run(model, args, observations, particles, SmcEngine.Resampling<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(smc), smc.Steps,
            $"SMC ({smc.Resampler.Name}, ESS threshold {smc.EssThreshold})", rng, options);
    }

    /// <summary>
    /// Runs bootstrap SMC on any model Ppl can pause at its observations: a <see cref="DynamicModel{TArgs, TRet}"/> (by
    /// replay) or a <c>[Model]</c> method's generated function (its resumable state machine, O(T), observations given as
    /// values included where the generator placed a pause after every Sample; by replay otherwise, see
    /// <see cref="ResumableSmc"/>). Observed Sample sites and Observe/Factor are the pauses, however the model is conditioned.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites (empty when the model observes everything itself).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle in a fixed order).</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles, Rng rng,
        SmcOptions? smc = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            DynamicModel<TArgs, TRet> d => Run(d, args, observations, particles, rng, smc, options),
            Modeling.IHasResumableForm<TArgs, TRet> r => ResumableSmc.Run(r.Resumable, args, observations, particles, rng, smc, options),
            _ => throw new NotSupportedException(Unpausable(model)),
        };
    }

    /// <summary>
    /// A model as a dynamic model SMC can replay to any pause (for moves, constraints and conditioning on a reference):
    /// a <see cref="DynamicModel{TArgs, TRet}"/> itself, or a <c>[Model]</c>'s replay form.
    /// </summary>
    internal static DynamicModel<TArgs, TRet> ReplayForm<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model) => model switch
    {
        DynamicModel<TArgs, TRet> d => d,
        Modeling.IHasResumableForm<TArgs, TRet> r => r.Resumable.Replay,
        _ => throw new NotSupportedException(Unpausable(model)),
    };

    /// <summary>The message for a generative function SMC cannot pause.</summary>
    internal static string Unpausable<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model) =>
        $"SMC pauses a model at its observations, which needs a DynamicModel or a [Model] method's generated function; '{model.Name}' is a {model.GetType().Name}. " +
        "For an Unfold combinator use UnfoldSmc; for a Map combinator, MapSmc; for a hand-written state-space model, StateSpaceSmc.";
}
