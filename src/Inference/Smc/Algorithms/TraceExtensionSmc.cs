namespace Ppl.Inference.Smc;

/// <summary>
/// The one loop shared by SMC over the growing combinators (<see cref="UnfoldSmc"/>, <see cref="ProposalUnfoldSmc"/>,
/// <see cref="MapSmc"/>): every particle starts as the same empty trace, and step t extends each live particle by
/// one step or item. The combinator-specific part is only the extension, which returns the new trace and the
/// log-weight increment (for an unbiased Ẑ, exactly the new step's incremental weight).
/// </summary>
internal static class TraceExtensionSmc
{
    /// <summary>
    /// Spawns N copies of <paramref name="start"/>, then per step extends each live particle with
    /// <paramref name="extend"/>, checks the evidence, records ESS, resamples below the threshold and reports progress.
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
    internal static (Population<ITrace<TArgs, TRet>> Population, IReadOnlyList<SmcStep> Steps) Run<TArgs, TRet>(
        ITrace<TArgs, TRet> start, IReadOnlyList<ChoiceMap> observations, int particles, Rng rng, IResampler? resampler,
        double essThreshold, RunOptions? options, Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)> extend,
        string stepKind, string particleKind)
    {
        resampler ??= Resamplers.Systematic;
        options ??= RunOptions.Default;
        var population = Population<ITrace<TArgs, TRet>>.Spawn(particles, _ => start);
        var steps = new List<SmcStep>(observations.Count);
        for (var t = 0; t < observations.Count; t++)
        {
            var traces = population.Particles.ToArray();
            var logWeights = population.LogWeights.ToArray();
            var time = t;
            ParticleParallel.For(traces.Length, rng, options, (i, r) =>
            {
                // A dead particle stays dead: its update weight would be −∞ − (−∞).
                if (double.IsNegativeInfinity(logWeights[i])) return;
                var (next, w) = extend(traces[i], time, r);
                traces[i] = next;
                logWeights[i] += w;
            });
            population = new Population<ITrace<TArgs, TRet>>(traces, logWeights);
            if (double.IsNegativeInfinity(population.LogEvidence))
                throw new InferenceException(
                    $"All {particles} particle weights are zero after {stepKind} {t}: the observations {observations[t]} have zero density under every {particleKind}.");
            var ess = population.EffectiveSampleSize;
            var resampled = ess < essThreshold * particles;
            var evidence = population.LogEvidence;
            if (resampled) population = population.Resample(resampler, rng);
            steps.Add(new SmcStep(t, ess, resampled, evidence, population.Ancestors?.Distinct().Count() ?? particles));
            options.Progress?.Report(new Progress(t + 1, observations.Count));
            options.Cancellation.ThrowIfCancellationRequested();
        }
        return (population, steps);
    }
}
