namespace Ppl.Inference.Smc;

/// <summary>
/// Resample-move SMC: at each pause, resample, then move every particle with MH steps that leave the
/// current intermediate target invariant (Regenerate on the model paused at that step), which rejuvenates
/// the particles without changing their proper weighting; Ẑ stays unbiased.
/// </summary>
public static partial class ResampleMove
{
    /// <summary>Runs resample-move SMC with an MH kernel on a selection chosen per pause.</summary>
    /// <param name="model">The model; every Observe/Factor is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="selection">The choices to regenerate at pause k (addresses not yet visited are ignored).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="mhSteps">MH steps per pause.</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, int particles,
        Func<int, Selection> selection, Rng rng, int mhSteps = 1, SmcOptions? smc = null, RunOptions? options = null) =>
        Run(model, args, ChoiceMap.Empty, particles, selection, rng, mhSteps, smc, options);

    /// <summary>Runs resample-move SMC on the model conditioned on <paramref name="observations"/> (each observed Sample is a pause).</summary>
    /// <param name="model">The model; every Observe/Factor, and every Sample at an observed address, is a pause.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="selection">The choices to regenerate at pause k (addresses not yet visited are ignored; one that no particle has at any pause is an error when the run ends).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="mhSteps">MH steps per pause.</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(DynamicModel<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles,
        Func<int, Selection> selection, Rng rng, int mhSteps = 1, SmcOptions? smc = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        smc ??= SmcOptions.Default;
        var resample = SmcEngine.Resampling<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(smc);
        var move = MhMove.Population<(TArgs Args, int Pauses), Paused<TRet>>(selection, mhSteps);
        // A misspelled address in a selection: known once any particle at any pause has it, an error if none had it by the end.
        var unseen = new Dictionary<(Address Address, bool Subtree), bool>();
        PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> step = (p, k, rng2, o) =>
        {
            var moved = move(resample(p, k, rng2, o), k, rng2, o);
            foreach (var named in SelectionCheck.Pending(selection(k)))
                if (!unseen.TryGetValue(named, out var missing) || missing)
                    unseen[named] = !moved.Particles.Any(t => SelectionCheck.Has(t, named));
            return moved;
        };
        var result = SmcEngine.Run(model, args, observations, particles, step, smc.Steps,
            $"resample-move SMC ({smc.Resampler.Name}, {mhSteps} MH step(s))", rng, options);
        if (unseen.FirstOrDefault(u => u.Value) is { Value: true } bad && result.Population.Particles.All(t => t.Return.Finished))
            throw SelectionCheck.Unknown(result.Population.Particles[0], bad.Key.Address, "ResampleMove");
        return result;
    }

    /// <summary>
    /// Runs resample-move SMC on any model Ppl can pause: a <see cref="DynamicModel{TArgs, TRet}"/> or a <c>[Model]</c>
    /// method's generated function. The MH moves regenerate choices of the model paused at each step, which the
    /// generated state machine does not support, so a <c>[Model]</c> runs through its replay form (O(T²) body work).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of observed Sample sites.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="selection">The choices to regenerate at pause k.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="mhSteps">MH steps per pause.</param>
    /// <param name="smc">Resampler, ESS threshold and number of steps.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static SmcResult<TArgs, TRet> Run<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, int particles,
        Func<int, Selection> selection, Rng rng, int mhSteps = 1, SmcOptions? smc = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var dynamic = BootstrapSmc.ReplayForm(model);
        return Run(dynamic, args, observations, particles, selection, rng, mhSteps, smc, options);
    }
}
