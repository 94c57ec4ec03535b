namespace Ppl.Inference.Smc;

// Particle Gibbs over an Unfold chain: the state is the chain's trace (x₀..x_T), the parameters are the Unfold's
// parameter argument θ. Each iteration moves θ given the trace (a user update, or MH through Update on the trace with
// θ changed), then runs a conditional SMC sweep over the chain at θ with the trace as reference.
public static partial class ParticleGibbs
{
    /// <summary>
    /// Runs one particle Gibbs chain over an <see cref="Unfold{TState, TParams}"/> chain (the shape of
    /// <see cref="Run{TModel, TState, TParam}"/> on a generative function): each iteration (1) draws θ with
    /// <paramref name="updateParameters"/> given the current trace (leaving p(θ | x, y) invariant; null holds θ fixed, the
    /// iterated conditional SMC kernel), then (2) runs a conditional SMC sweep
    /// (<see cref="ConditionalSmc.Unfold{TState, TParams}"/>) at θ with the current trace as reference. Both leave
    /// p(θ, x | y) invariant. A sweep costs O(T) kernel runs.
    /// </summary>
    /// <param name="model">The chain.</param>
    /// <param name="init">Its initial state.</param>
    /// <param name="initialParameters">θ₀.</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel; one map per step.</param>
    /// <param name="particles">N ≥ 2 particles per sweep.</param>
    /// <param name="iterations">Chain length.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="updateParameters">(current trace, whose <c>Args.Params</c> is the current θ; stream) → the next θ;
    /// e.g. <see cref="UnfoldParameterMh{TState, TParams}"/>. Null: θ stays at <paramref name="initialParameters"/>.</param>
    /// <param name="ancestorSampling">Ancestor sampling in the sweeps (see <see cref="ConditionalSmc.Unfold{TState, TParams}"/>).</param>
    /// <param name="options">Progress (per iteration) and cancellation; sweeps run on one thread.</param>
    /// <returns>θ and the states x₀..x_T after each iteration.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 2 or <paramref name="iterations"/> is negative.</exception>
    public static ParticleGibbsResult<TParams, TState> Unfold<TState, TParams>(
        Unfold<TState, TParams> model, TState init, TParams initialParameters, IReadOnlyList<ChoiceMap> observations,
        int particles, int iterations, Rng rng,
        Func<ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>, Rng, TParams>? updateParameters = null,
        bool ancestorSampling = true, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorSmcChecks.Particles(particles, 2, "ParticleGibbs.Unfold");
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        options ??= RunOptions.Default;
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
        var theta = initialParameters;
        var trace = ConditionalSmc.Unfold(model, init, theta, observations, null, particles, rng.Split(), inner);
        var thetas = new TParams[iterations];
        var paths = new TState[iterations][];
        for (var i = 0; i < iterations; i++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            // The trace was swept at the current θ (its Args.Params), which is what the update reads.
            if (updateParameters is not null) theta = updateParameters(trace, rng);
            trace = ConditionalSmc.Unfold(model, init, theta, observations, trace, particles, rng.Split(), inner, ancestorSampling);
            thetas[i] = theta;
            paths[i] = trace.Return.ToArray();
            options.Progress?.Report(new Progress(i + 1, iterations));
        }
        return new ParticleGibbsResult<TParams, TState>(thetas, paths);
    }

    /// <summary>
    /// A parameter update for <see cref="Unfold{TState, TParams}"/>: <paramref name="steps"/> Metropolis–Hastings steps on
    /// θ given the trace, proposing θ′ with <paramref name="propose"/> (which returns θ′ and log q(θ | θ′) − log q(θ′ | θ),
    /// 0 for a symmetric proposal) and accepting with the ratio p(θ′) p(x, y | θ′) / p(θ) p(x, y | θ) · q-ratio. The
    /// likelihood ratio is the weight of <c>Update</c> on the Unfold trace with θ changed (every step's kernel rescored,
    /// nothing drawn). It leaves p(θ | x, y) invariant. The accept rule is the one every MH move in Ppl uses.
    /// </summary>
    /// <param name="logPrior">log p(θ) up to a constant (−∞ outside the support: such a θ′ is rejected without running the kernel).</param>
    /// <param name="propose">(θ, stream) → (θ′, log q(θ | θ′) − log q(θ′ | θ)).</param>
    /// <param name="steps">MH steps per call.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="steps"/> is below 1.</exception>
    public static Func<ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>, Rng, TParams> UnfoldParameterMh<TState, TParams>(
        Func<TParams, double> logPrior, Func<TParams, Rng, (TParams Proposed, double LogProposalRatio)> propose, int steps = 1)
    {
        ArgumentNullException.ThrowIfNull(logPrior);
        ArgumentNullException.ThrowIfNull(propose);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        return (trace, rng) =>
        {
            ArgumentNullException.ThrowIfNull(trace);
            var model = trace.GenerativeFunction;
            for (var s = 0; s < steps; s++)
            {
                var (count, init, current) = trace.Args;
                var (proposed, logQ) = propose(current, rng);
                var priorRatio = logPrior(proposed) - logPrior(current);
                if (double.IsNegativeInfinity(priorRatio) || double.IsNaN(priorRatio))
                {
                    // Keep the stream's use independent of the ratio: one accept draw per step, as Accept.Draw does.
                    Mcmc.Accept.Draw(double.NegativeInfinity, rng);
                    continue;
                }
                var (next, w, _) = model.Update(trace, (count, init, proposed), ChoiceMap.Empty, rng);
                if (Mcmc.Accept.Draw(w + priorRatio + logQ, rng).Accepted) trace = next;
            }
            return trace.Args.Params;
        };
    }
}
