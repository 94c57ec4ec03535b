namespace Ppl.Inference.Mcmc;

/// <summary>The Metropolis–Hastings accept/reject step shared by trace kernels.</summary>
internal static class Accept
{
    public static TraceState<TArgs, TRet> Decide<TArgs, TRet>(TraceState<TArgs, TRet> state, ITrace<TArgs, TRet> proposed, double logRatio, Rng rng)
    {
        var a = double.IsNaN(logRatio) ? 0 : Math.Min(1, Math.Exp(logRatio));
        return Math.Log(rng.NextOpenDouble()) < logRatio
            ? state with { Trace = proposed, Stats = new TransitionStats(a, double.NaN, 0, 0, false, double.NaN, true) }
            : state with { Stats = new TransitionStats(a, double.NaN, 0, 0, false, double.NaN, false) };
    }
}
