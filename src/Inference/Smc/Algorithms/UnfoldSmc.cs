namespace Ppl.Inference.Smc;

/// <summary>
/// SMC over a state-space model written with the <see cref="Unfold{TState, TParams}"/> combinator, in
/// Gen's style: each particle is an Unfold trace, and step t extends it by one step through
/// <c>Update</c> with that step's observations as constraints. Unfold's incremental update runs the
/// kernel once per particle per step, so a run costs O(T) kernel calls — not the O(T²) of replaying a
/// paused model. The update weight is exactly the new step's incremental weight, so the population's
/// weight sum stays an unbiased evidence estimate (papers.md 1.4).
/// </summary>
public static class UnfoldSmc
{
    /// <summary>Runs SMC with ESS-triggered resampling.</summary>
    /// <param name="model">The chain.</param>
    /// <param name="init">Its initial state.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel (e.g. <c>y</c>); one map per step.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle and step in a fixed order).</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N (1 resamples every step, 0 never).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static UnfoldSmcResult<TState, TParams> Run<TState, TParams>(
        Unfold<TState, TParams> model, TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations,
        int particles, Rng rng, IResampler? resampler = null, double essThreshold = 0.5, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        // Each step's constraints are built once, not once per particle.
        var constraints = observations.Select((o, t) => ChoiceMap.Empty.SetSubmap(t, o)).ToArray();
        return Core(model, init, parameters, observations, particles, rng, resampler, essThreshold, options,
            (trace, args, t, r) =>
            {
                var (next, w, _) = model.Update(trace, args, constraints[t], r);
                return (next, w);
            }, "particle");
    }

    /// <summary>
    /// The Unfold front end of the shared loop (<see cref="TraceExtensionSmc"/>), used by every Unfold SMC: the
    /// particles start as the empty chain, and step t extends a particle with <paramref name="extend"/> (given the
    /// trace, the arguments for t + 1 steps, t and a stream; it returns the new trace and the log-weight increment), with
    /// the loop's optional move and reference hooks.
    /// </summary>
    internal static UnfoldSmcResult<TState, TParams> Core<TState, TParams>(
        Unfold<TState, TParams> model, TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations,
        int particles, Rng rng, IResampler? resampler, double essThreshold, RunOptions? options,
        Func<ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>, (int, TState, TParams), int, Rng,
            (ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Trace, double LogWeight)> extend,
        string particleKind, TraceExtensionHooks<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var start = model.Generate((0, init, parameters), ChoiceMap.Empty, rng).Trace;
        var (population, steps) = TraceExtensionSmc.Run(start, observations, particles, rng, resampler, essThreshold, options,
            (trace, t, r) => extend(trace, (t + 1, init, parameters), t, r), "step", particleKind, hooks);
        return new UnfoldSmcResult<TState, TParams>(population, steps);
    }
}

/// <summary>The outcome of <see cref="UnfoldSmc"/>: the final weighted traces and the per-step record.</summary>
/// <param name="Population">Weighted Unfold traces; their weight sum is the evidence estimate.</param>
/// <param name="Steps">ESS, resampling and running log evidence per step.</param>
public sealed record UnfoldSmcResult<TState, TParams>(
    Population<ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>> Population,
    IReadOnlyList<SmcStep> Steps)
{
    /// <summary>log Ẑ: unbiased for Z on the natural scale, for any particle count.</summary>
    public double LogEvidence => Population.LogEvidence;
}
