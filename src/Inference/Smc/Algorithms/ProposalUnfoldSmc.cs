namespace Ppl.Inference.Smc;

/// <summary>
/// SMC over <see cref="Unfold{TState, TParams}"/> with a custom proposal generative function per step (Gen's
/// <c>particle_filter_step!</c> with a proposal): at step t each particle runs the proposal on
/// (t, previous state, parameters, yₜ), whose choices (e.g. <c>x</c>) are addressed like the kernel's; the
/// trace is extended by <c>Update</c> with those choices and yₜ as constraints, so the update weight is
/// log p(xₜ, yₜ | xₜ₋₁), and the particle's weight is multiplied by p(xₜ, yₜ | xₜ₋₁) / q(xₜ). Any proposal whose
/// support covers the model's keeps Ẑ unbiased; the locally optimal one, p(xₜ | xₜ₋₁, yₜ), gives the
/// lowest-variance weights.
/// </summary>
public static class ProposalUnfoldSmc
{
    /// <summary>Runs SMC with the proposal at every step and ESS-triggered resampling.</summary>
    /// <param name="model">The chain.</param>
    /// <param name="proposal">Proposes step t's latent choices given (t, previous state, parameters, step t's observations).</param>
    /// <param name="init">The initial state.</param>
    /// <param name="parameters">The chain's parameters.</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel.</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static UnfoldSmcResult<TState, TParams> Run<TState, TParams, TProposalReturn>(
        Unfold<TState, TParams> model, IGenerativeFunction<(int T, TState Previous, TParams Params, ChoiceMap Observations), TProposalReturn> proposal,
        TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations, int particles, Rng rng,
        IResampler? resampler = null, double essThreshold = 0.5, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(observations);
        return UnfoldSmc.Core(model, init, parameters, observations, particles, rng, resampler, essThreshold, options,
            (trace, args, t, r) =>
            {
                var observed = observations[t];
                var previous = t == 0 ? init : trace.Return[t - 1];
                var proposed = proposal.Simulate((t, previous, parameters, observed), r);
                var (next, w, _) = model.Update(trace, args, ChoiceMap.Empty.SetSubmap(t, proposed.Choices.Merge(observed)), r);
                return (next, w - proposed.Score);
            }, "proposed particle");
    }
}
