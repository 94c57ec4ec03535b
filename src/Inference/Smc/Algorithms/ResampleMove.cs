namespace Ppl.Inference.Smc;

/// <summary>
/// Resample-move SMC: at each pause, resample, then move every particle with MH steps that leave the
/// current intermediate target invariant (Regenerate on the model paused at that step), which rejuvenates
/// the particles without changing their proper weighting; Ẑ stays unbiased.
/// </summary>
public static class ResampleMove
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
        Func<int, Selection> selection, Rng rng, int mhSteps = 1, SmcOptions? smc = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        smc ??= SmcOptions.Default;
        var resample = SmcEngine.Resampling<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(smc);
        var move = MetropolisHastings.Move<(TArgs Args, int Pauses), Paused<TRet>>(selection, mhSteps);
        return SmcEngine.Run(model, args, particles, (p, k, rng2, o) => move(resample(p, k, rng2, o), k, rng2, o), smc.Steps,
            $"resample-move SMC ({smc.Resampler.Name}, {mhSteps} MH step(s))", rng, options);
    }
}
