namespace Ppl.Inference.Smc;

/// <summary>
/// The shared driver of the SMC algorithms: spawn N copies of the empty paused trace with weight 1/N,
/// then <see cref="Sequential.Sequentially{TArgs, TRet}"/> with the algorithm's transform, recording ESS,
/// resampling events, evidence and ancestry at each pause.
/// </summary>
internal static class SmcEngine
{
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, ChoiceMap? observations, int particles,
        PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> transform, int steps, string algorithm,
        Rng rng, RunOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Run(model, new PausingModel<TArgs, TRet>(model, observations).Function, args, particles, transform, steps, algorithm, rng, options,
            observations);
    }

    /// <summary>
    /// The same over any paused form of <paramref name="model"/>: replay, or a generated model's resumable executions;
    /// <paramref name="observations"/> are the values the paused form was given (for the result's traces of the model).
    /// </summary>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model,
        IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> paused, TArgs args, int particles,
        PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> transform, int steps, string algorithm,
        Rng rng, RunOptions? options, ChoiceMap? observations = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 0);
        options ??= RunOptions.Default;
        var start = Sequential.Start(paused, args, rng);
        var population = Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>.Spawn(particles, _ => start);
        var records = new List<SmcStep>();
        var ancestry = new List<int[]?>();
        var final = population.Sequentially(transform, steps, rng, options, (k, before, after) =>
        {
            if (double.IsNegativeInfinity(before.LogEvidence))
                throw new InferenceException(
                    $"SMC on '{model.Name}': every one of the {particles} particle weights is zero at pause {k}; the observations there have zero density under every particle. Check them against the model's support, or use more particles.");
            var parents = after.Ancestors?.ToArray();
            ancestry.Add(parents);
            records.Add(new SmcStep(k, before.EffectiveSampleSize, parents is not null, before.LogEvidence,
                parents is null ? particles : parents.Distinct().Count()));
        });
        return new SmcResult<TArgs, TRet>(model, args, algorithm, final, records, ancestry, observations);
    }

    /// <summary>The resampling transform of <paramref name="options"/>: always, never, or when ESS falls below the threshold.</summary>
    public static PopulationTransform<T> Resampling<T>(SmcOptions options) =>
        options.EssThreshold <= 0
            ? (p, _, _, _) => p
            : options.EssThreshold >= 1
                ? (p, _, rng, _) => p.Resample(options.Resampler, rng)
                : (p, _, rng, _) => p.ResampleIfEssBelow(options.EssThreshold, options.Resampler, rng);
}
