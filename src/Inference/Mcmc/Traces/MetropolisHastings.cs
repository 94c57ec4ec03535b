namespace Ppl.Inference.Mcmc;

/// <summary>
/// Metropolis–Hastings that resamples the selected choices from the prior: the proposal is
/// <c>Regenerate</c>, whose weight is the log acceptance ratio.
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
}
