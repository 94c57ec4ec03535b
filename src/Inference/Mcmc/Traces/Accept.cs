namespace Ppl.Inference.Mcmc;

/// <summary>
/// The Metropolis–Hastings accept/reject step shared by every trace move: the MCMC kernels and SMC's rejuvenation.
/// The decision is drawn through <see cref="Rng.DrawIndex"/> over (reject 1 − a, accept a), so a move can be run under
/// the exact enumerator (an enumerating stream branches on both outcomes with their probabilities).
/// </summary>
internal static class Accept
{
    /// <summary>
    /// Accepts with probability a = min(1, exp(<paramref name="logRatio"/>)) (NaN: a = 0). Always one draw, index 0 of
    /// (a, 1 − a) accepting: on a plain stream that is the event u &lt; a of one uniform, so every move consumes the same
    /// randomness whatever its ratio.
    /// </summary>
    public static (bool Accepted, double Probability) Draw(double logRatio, Rng rng)
    {
        var a = double.IsNaN(logRatio) ? 0 : Math.Min(1, Math.Exp(logRatio));
        Span<double> weights = [a, 1 - a];
        return (rng.DrawIndex(weights) == 0, a);
    }

    /// <summary>The MCMC state after the decision, with its transition statistics.</summary>
    public static TraceState<TArgs, TRet> Decide<TArgs, TRet>(TraceState<TArgs, TRet> state, ITrace<TArgs, TRet> proposed, double logRatio, Rng rng)
    {
        var (accepted, a) = Draw(logRatio, rng);
        return accepted
            ? state with { Trace = proposed, Stats = new TransitionStats(a, double.NaN, 0, 0, false, double.NaN, true) }
            : state with { Stats = new TransitionStats(a, double.NaN, 0, 0, false, double.NaN, false) };
    }
}
