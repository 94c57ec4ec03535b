namespace Ppl.Inference.Smc;

/// <summary>
/// The one loop shared by SMC over the growing combinators (<see cref="UnfoldSmc"/>, <see cref="ProposalUnfoldSmc"/>,
/// <see cref="MapSmc"/>, resample-move and conditional SMC over <c>Unfold</c> and <c>Map</c>, SMC²'s inner filters over
/// <c>Unfold</c>, which call its step, <see cref="TraceExtensionStepper{TArgs, TRet}"/>): every particle starts as the
/// same empty trace, and step t extends each live particle by one step or item. The combinator-specific part is only the
/// extension, which returns the new trace and the log-weight increment (for an unbiased Ẑ, exactly the new step's
/// incremental weight), and the optional hooks (<see cref="TraceExtensionHooks{TArgs, TRet}"/>): a move after each
/// step's resampling (resample-move) and a reference particle (conditional SMC).
/// </summary>
internal static class TraceExtensionSmc
{
    /// <summary>
    /// Spawns N copies of <paramref name="start"/>, then per step extends each live particle with
    /// <paramref name="extend"/>, checks the evidence, records ESS, resamples below the threshold and reports progress.
    /// With a reference (<see cref="TraceExtensionHooks{TArgs, TRet}.FollowReference"/>) particle 0 is extended along
    /// it instead, and after every step but the last the others draw their parents multinomially from all N while
    /// particle 0 keeps the reference (or, with ancestor sampling, a parent drawn for the reference's rest); the
    /// threshold and resampler are then unused, as conditional SMC's invariance proof needs that scheme.
    /// </summary>
    /// <param name="start">The empty trace every particle starts from.</param>
    /// <param name="observations">Step t's observations (their count is the number of steps; each is named in the zero-evidence error).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source: split per particle and step by <see cref="ParticleParallel"/>, then used for resampling.</param>
    /// <param name="resampler">Resampling scheme (systematic when null).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N.</param>
    /// <param name="options">Parallelism, progress and cancellation (the defaults when null).</param>
    /// <param name="extend">(trace, step, stream) → (trace one step longer, log-weight increment).</param>
    /// <param name="stepKind">What a step is called in messages (<c>step</c>, <c>element</c>).</param>
    /// <param name="particleKind">What a particle is called in messages.</param>
    /// <param name="hooks">Move and reference hooks (none when null).</param>
    internal static (Population<ITrace<TArgs, TRet>> Population, IReadOnlyList<SmcStep> Steps) Run<TArgs, TRet>(
        ITrace<TArgs, TRet> start, IReadOnlyList<ChoiceMap> observations, int particles, Rng rng, IResampler? resampler,
        double essThreshold, RunOptions? options, Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)> extend,
        string stepKind, string particleKind, TraceExtensionHooks<TArgs, TRet>? hooks = null)
    {
        options ??= RunOptions.Default;
        var stepper = new TraceExtensionStepper<TArgs, TRet>(observations, particles, resampler, essThreshold, options, extend, stepKind, particleKind, hooks);
        var population = stepper.Start(start);
        var steps = new List<SmcStep>(observations.Count);
        for (var t = 0; t < observations.Count; t++)
        {
            (population, var step) = stepper.Step(population, t, rng);
            steps.Add(step);
            options.Progress?.Report(new Progress(t + 1, observations.Count));
            options.Cancellation.ThrowIfCancellationRequested();
        }
        return (population, steps);
    }

    /// <summary>One particle of the final population drawn ∝ its weight: conditional SMC's output.</summary>
    internal static ITrace<TArgs, TRet> Draw<TArgs, TRet>(Population<ITrace<TArgs, TRet>> population, Rng rng) =>
        population.Particles[rng.DrawIndex(population.NormalizedWeights())];
}
