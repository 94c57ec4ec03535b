namespace Ppl.Inference.Smc;

/// <summary>
/// The Sequential block (papers.md 1.3, SequentialT) over paused traces: a particle is a trace of a
/// generative function of (args, k) that ran its model up to the k-th Observe/Factor (see
/// <see cref="PausingModel{TArgs, TRet}"/>). <see cref="Advance{TArgs, TRet}"/> moves a trace to the next
/// pause through <c>Update</c> and returns the weight increment; <see cref="Finish{TArgs, TRet}"/> runs it
/// to the end. Neither changes the measure, only when computation happens.
/// </summary>
public static class Sequential
{
    /// <summary>The state before anything has run: the trace at k = 0.</summary>
    public static ITrace<(TArgs Args, int Pauses), Paused<TRet>> Start<TArgs, TRet>(
        IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> function, TArgs args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(function);
        return function.Simulate((args, 0), rng);
    }

    /// <summary>True when the particle's model has run to its end.</summary>
    public static bool IsFinished<TArgs, TRet>(this ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace) => trace.Return.Finished;

    /// <summary>
    /// Runs to the next Observe/Factor (inclusive) or to the end; returns the new trace and the log weight
    /// increment (the new scores; fresh choices come from the prior). A finished trace is returned
    /// unchanged with increment 0, so extra advances are harmless.
    /// </summary>
    public static (ITrace<(TArgs Args, int Pauses), Paused<TRet>> Trace, double LogIncrement) Advance<TArgs, TRet>(
        this ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, Rng rng) =>
        MoveTo(trace, trace.Args.Pauses == int.MaxValue ? int.MaxValue : trace.Args.Pauses + 1, rng);

    /// <summary>Runs to the end; returns the finished trace and the log weight of the remaining scores.</summary>
    public static (ITrace<(TArgs Args, int Pauses), Paused<TRet>> Trace, double LogIncrement) Finish<TArgs, TRet>(
        this ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, Rng rng) => MoveTo(trace, int.MaxValue, rng);

    private static (ITrace<(TArgs Args, int Pauses), Paused<TRet>>, double) MoveTo<TArgs, TRet>(
        ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, int pauses, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (trace.Return.Finished) return (trace, 0.0);
        // A run already ruled out (score −∞) stays dead: updating it would give −∞ − (−∞) = NaN.
        if (double.IsNegativeInfinity(trace.Score)) return (trace, 0.0);
        var (next, weight, _) = trace.GenerativeFunction.Update(trace, (trace.Args.Args, pauses), ChoiceMap.Empty, rng);
        return (next, weight);
    }

    /// <summary>
    /// Advances every live particle of the population (in parallel, one stream per particle) and
    /// multiplies its weight by the increment. Particles of weight zero stay as they are.
    /// </summary>
    public static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> AdvanceAll<TArgs, TRet>(
        this Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population, Rng rng, RunOptions? options = null) =>
        MoveAll(population, rng, options, finish: false);

    /// <summary>Runs every live particle to the end.</summary>
    public static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> FinishAll<TArgs, TRet>(
        this Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population, Rng rng, RunOptions? options = null) =>
        MoveAll(population, rng, options, finish: true);

    private static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> MoveAll<TArgs, TRet>(
        Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population, Rng rng, RunOptions? options, bool finish)
    {
        ArgumentNullException.ThrowIfNull(population);
        ArgumentNullException.ThrowIfNull(rng);
        var n = population.Count;
        var traces = population.Particles.ToArray();
        var lw = population.LogWeights.ToArray();
        if (traces.All(t => t.Return.Finished)) return population;
        ParticleParallel.For(n, rng, options ?? RunOptions.Default, (i, r) =>
        {
            // A dead particle (weight 0) is not run further: its score is −∞ and an update would give NaN.
            if (double.IsNegativeInfinity(lw[i])) return;
            var (t, w) = finish ? traces[i].Finish(r) : traces[i].Advance(r);
            traces[i] = t;
            lw[i] += w;
        });
        return new Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(traces, lw);
    }

    /// <summary>
    /// sequentially f k = finish ∘ (f ∘ advance)^k: advance every particle to its next pause and apply
    /// <paramref name="transform"/>, k times, then run to the end. This is the SMC skeleton; SIS is the
    /// identity transform. <paramref name="onStep"/> sees each pause's population before and after the transform.
    /// </summary>
    public static Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> Sequentially<TArgs, TRet>(
        this Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population,
        PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> transform, int steps, Rng rng, RunOptions? options = null,
        Action<int, Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>, Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>>? onStep = null)
    {
        ArgumentNullException.ThrowIfNull(transform);
        options ??= RunOptions.Default;
        for (var k = 1; k <= steps; k++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var advanced = population.AdvanceAll(rng, options);
            // Once every particle has finished there is nothing left to synchronise; stopping here keeps
            // steps = int.MaxValue ("until the end") finite and changes no measure.
            // Dead particles (weight 0) are never advanced, so they count as done; otherwise a population
            // with one would never finish.
            var done = Enumerable.Range(0, advanced.Count)
                .All(i => advanced.Particles[i].Return.Finished || double.IsNegativeInfinity(advanced.LogWeights[i]));
            population = done ? advanced : transform(advanced, k, rng, options);
            onStep?.Invoke(k, advanced, population);
            options.Progress?.Report(new Progress(k, steps == int.MaxValue ? k + (done ? 0 : 1) : steps));
            if (done) break;
        }
        return population.FinishAll(rng, options);
    }
}
