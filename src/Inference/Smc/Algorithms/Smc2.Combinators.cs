namespace Ppl.Inference.Smc;

// SMC² with combinator inner filters: each θ-particle carries a bootstrap filter over an Unfold chain at θ (the chain's
// parameter argument), stepped one observation at a time by the step of the loop every combinator SMC runs
// (TraceExtensionStepper), so an inner filter costs O(1) kernel runs per particle per step. The outer SMC is Smc2.Run's.
public static partial class Smc2
{
    /// <summary>
    /// SMC² over an <see cref="Unfold{TState, TParams}"/> chain whose parameters θ are its parameter argument: the outer SMC
    /// of <see cref="Run{TModel, TState, TParam}"/> (θ-particles from <paramref name="samplePrior"/>, reweighted by their
    /// inner filters' evidence increments, resampled below the ESS threshold and moved by PMMH), with each θ-particle's
    /// inner filter a bootstrap filter over the chain at θ as <see cref="UnfoldSmc"/> runs it (resampled at every step).
    /// A PMMH proposal runs a fresh inner filter up to the current step. The weight sum is an unbiased estimate of p(y).
    /// </summary>
    /// <param name="model">The chain.</param>
    /// <param name="init">Its initial state.</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel; one map per step.</param>
    /// <param name="samplePrior">Draws θ from its prior.</param>
    /// <param name="logPrior">log p(θ) (up to a constant; −∞ outside the support, where a proposal is rejected).</param>
    /// <param name="propose">PMMH proposal: θ′ given θ, with log q(θ | θ′) − log q(θ′ | θ).</param>
    /// <param name="parameterParticles">Number of θ-particles M ≥ 1.</param>
    /// <param name="stateParticles">Particles per inner filter N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="moves">PMMH steps per θ-particle after each outer resampling.</param>
    /// <param name="essThreshold">Resample θ-particles when their ESS &lt; threshold · M.</param>
    /// <param name="options">Parallelism (over θ-particles), progress (per step) and cancellation; each inner filter uses one thread.</param>
    /// <exception cref="ArgumentOutOfRangeException">A particle count below 1, or negative <paramref name="moves"/>.</exception>
    /// <exception cref="ArgumentException">An observation map is null.</exception>
    public static Smc2Result<TParams> Unfold<TState, TParams>(Unfold<TState, TParams> model, TState init, IReadOnlyList<ChoiceMap> observations,
        Func<Rng, TParams> samplePrior, Func<TParams, double> logPrior, Func<TParams, Rng, (TParams Proposed, double LogProposalRatio)> propose,
        int parameterParticles, int stateParticles, Rng rng, int moves = 1, double essThreshold = 0.5, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samplePrior);
        ArgumentNullException.ThrowIfNull(logPrior);
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorSmcChecks.Observations(observations, "Smc2.Unfold", model.Name, "step");
        if (parameterParticles < 1)
            throw new ArgumentOutOfRangeException(nameof(parameterParticles), parameterParticles, $"Smc2.Unfold needs at least one θ-particle; got {parameterParticles}.");
        if (stateParticles < 1)
            throw new ArgumentOutOfRangeException(nameof(stateParticles), stateParticles, $"Smc2.Unfold needs at least one particle per inner filter; got {stateParticles}.");
        ArgumentOutOfRangeException.ThrowIfNegative(moves);
        options ??= RunOptions.Default;
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
        var constraints = observations.Select((o, t) => ChoiceMap.Empty.SetSubmap(t, o)).ToArray();
        var steps = observations.Count;

        // A θ-particle's inner filter: its stepper (the chain at θ) and population; a filter whose every particle died
        // has log Ẑ = −∞ and is not stepped further.
        UnfoldInnerFilter<TState, TParams> Start(TParams theta, Rng r)
        {
            var stepper = new TraceExtensionStepper<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>(observations, stateParticles,
                Resamplers.Systematic, 1, inner, (trace, t, rr) =>
                {
                    var (next, w, _) = model.Update(trace, (t + 1, init, theta), constraints[t], rr);
                    return (next, w);
                }, "step", "particle", null);
            return new UnfoldInnerFilter<TState, TParams>(theta, stepper, stepper.Start(model.Generate((0, init, theta), ChoiceMap.Empty, r).Trace), 0);
        }

        var filters = new Smc2Filters<TParams, UnfoldInnerFilter<TState, TParams>>(Start, (filter, t, r) => filter.Advance(t, r), filter => filter.LogEvidence,
            // Offspring share their parent's filter: its population is immutable.
            (filter, _) => filter);
        return Smc2Loop.Run(filters, _ => steps, 0, samplePrior, logPrior, propose, parameterParticles, rng, moves, essThreshold, options,
            t => $"SMC² on '{model.Name}': every θ-particle's inner filter has zero evidence after step {t}; check the observations {observations[t]} against the model's support.");
    }
}
