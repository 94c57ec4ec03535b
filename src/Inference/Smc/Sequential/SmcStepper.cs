namespace Ppl.Inference.Smc;

/// <summary>
/// One bootstrap particle filter over a paused model (its replay form or its resumable executions), advanced one pause
/// at a time by its owner instead of run to the end by <see cref="Sequential.Sequentially{TArgs, TRet}"/>: an algorithm
/// that runs many filters in lockstep (SMC², whose θ-particles each carry one) steps them all to the next pause, reads
/// their evidence, and may copy one. Steppers are immutable (each step returns a new one; the traces are shared), so
/// copying a filter for the offspring of a resampled θ-particle is taking its reference. A step is what
/// <see cref="Sequential.Sequentially{TArgs, TRet}"/> does at one pause: advance every live particle, then resample by the
/// options' policy; so stepping to the end gives the same measure as <see cref="BootstrapSmc"/>.
/// </summary>
internal sealed class SmcStepper<TArgs, TRet>
{
    private readonly PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> _resample;
    private readonly int _resampleSteps;

    private SmcStepper(Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population, int pauses, bool finished,
        PopulationTransform<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> resample, int resampleSteps)
    {
        Population = population;
        Pauses = pauses;
        Finished = finished;
        _resample = resample;
        _resampleSteps = resampleSteps;
    }

    /// <summary>N copies of the paused function's empty trace, each of weight 1/N (Ẑ = 1 before any pause).</summary>
    public static SmcStepper<TArgs, TRet> Start(IGenerativeFunction<(TArgs Args, int Pauses), Paused<TRet>> paused, TArgs args, int particles,
        SmcOptions smc, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(paused);
        ArgumentNullException.ThrowIfNull(smc);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        var start = Sequential.Start(paused, args, rng);
        return new SmcStepper<TArgs, TRet>(Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>.Spawn(particles, _ => start), 0, false,
            SmcEngine.Resampling<ITrace<(TArgs Args, int Pauses), Paused<TRet>>>(smc), smc.Steps);
    }

    /// <summary>The particles and their weights; the weight sum is the evidence estimate so far.</summary>
    public Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> Population { get; }

    /// <summary>How many pauses (scored observations or factors) the filter has passed.</summary>
    public int Pauses { get; }

    /// <summary>True when every live particle's model has returned (or every particle is dead): stepping changes nothing.</summary>
    public bool Finished { get; }

    /// <summary>log Ẑ of everything scored so far (−∞ when every particle is dead).</summary>
    public double LogEvidence => Population.LogEvidence;

    /// <summary>
    /// Advances every live particle to its next pause (or to the end) and resamples by the options' policy. When no live
    /// particle scored anything (the models ran to their ends), <see cref="Pauses"/> is unchanged and the result is
    /// <see cref="Finished"/>.
    /// </summary>
    public SmcStepper<TArgs, TRet> Step(Rng rng, RunOptions options)
    {
        if (Finished) return this;
        var advanced = Population.AdvanceAll(rng, options);
        var live = Enumerable.Range(0, advanced.Count).Where(i => !double.IsNegativeInfinity(advanced.LogWeights[i])).ToArray();
        // As in Sequentially: dead particles are never advanced, so they count as done.
        var done = live.All(i => advanced.Particles[i].Return.Finished);
        var pauses = live.Length == 0 ? Pauses : Math.Max(Pauses, live.Max(i => advanced.Particles[i].Return.ScorePoints));
        // Resampling a population none of whose particles will move again changes nothing but adds noise; and past the
        // options' step limit the filter only advances, as Sequentially does.
        var next = done || Pauses + 1 > _resampleSteps ? advanced : _resample(advanced, Pauses + 1, rng, options);
        return new SmcStepper<TArgs, TRet>(next, pauses, done, _resample, _resampleSteps);
    }
}
