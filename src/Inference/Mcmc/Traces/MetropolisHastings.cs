namespace Ppl.Inference.Mcmc;

/// <summary>
/// Metropolis–Hastings that resamples the selected choices from the prior: the proposal is
/// <c>Regenerate</c>, whose weight is the log acceptance ratio. It leaves the trace's normalised target invariant. This
/// is Ppl's one MH move: the MCMC kernel (<see cref="Kernel.Mh{TArgs, TRet}"/>) and SMC's rejuvenation
/// (<c>ResampleMove</c>) both take <see cref="Step(ITrace{TArgs, TRet}, Selection, Rng)"/>; the accept decision is
/// drawn through <see cref="Rng.DrawIndex"/>, so the move can be enumerated exactly.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="Selection">The choices to resample.</param>
public sealed record MetropolisHastings<TArgs, TRet>(Selection Selection) : IKernel<TraceState<TArgs, TRet>>
{
    private readonly SelectionWatch _watch = new(Selection, "Kernel.Mh");

    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var t = state.Trace;
        // A misspelled address would otherwise give a chain that never moves.
        _watch.Look(t);
        var (proposed, logRatio) = t.GenerativeFunction.Regenerate(t, t.Args, Selection, rng);
        return Accept.Decide(state, proposed, logRatio, rng);
    }

    /// <summary>One MH step on <paramref name="selection"/>: the new (or old) trace and whether it moved.</summary>
    public static (ITrace<TArgs, TRet> Trace, bool Accepted) Step(ITrace<TArgs, TRet> trace, Selection selection, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);
        var (proposed, logRatio) = trace.GenerativeFunction.Regenerate(trace, trace.Args, selection, rng);
        return Accept.Draw(logRatio, rng).Accepted ? (proposed, true) : (trace, false);
    }
}
