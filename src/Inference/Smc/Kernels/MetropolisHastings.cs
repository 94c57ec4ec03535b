namespace Ppl.Inference.Smc;

/// <summary>
/// The Traced block's move (papers.md 1.3, mhStep), address-based: resample the selected choices from
/// their prior with <c>Regenerate</c> and accept with probability min(1, exp(weight)). It leaves the
/// normalised target of the trace's function invariant and does not change the evidence. The accept
/// decision is drawn through <see cref="Rng.DrawIndex"/>, so the kernel can be enumerated exactly.
/// </summary>
public static class MetropolisHastings
{
    /// <summary>One MH step on <paramref name="selection"/>; returns the new (or old) trace and whether it moved.</summary>
    public static (ITrace<TArgs, TRet> Trace, bool Accepted) Step<TArgs, TRet>(ITrace<TArgs, TRet> trace, Selection selection, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);
        var (proposed, logRatio) = trace.GenerativeFunction.Regenerate(trace, trace.Args, selection, rng);
        if (double.IsNaN(logRatio)) return (trace, false);
        if (logRatio >= 0) return (proposed, true);
        var accept = Math.Exp(logRatio);
        Span<double> w = stackalloc double[] { 1 - accept, accept };
        return rng.DrawIndex(w) == 1 ? (proposed, true) : (trace, false);
    }

    /// <summary>A population transform applying <paramref name="steps"/> MH steps to every particle (parallel, one stream each); weights are unchanged.</summary>
    public static PopulationTransform<ITrace<TArgs, TRet>> Move<TArgs, TRet>(Func<int, Selection> selection, int steps = 1) =>
        (population, step, rng, options) =>
        {
            var traces = population.Particles.ToArray();
            var sel = selection(step);
            ParticleParallel.For(traces.Length, rng, options, (i, r) =>
            {
                for (var s = 0; s < steps; s++) traces[i] = Step(traces[i], sel, r).Trace;
            });
            return new Population<ITrace<TArgs, TRet>>(traces, population.LogWeights, population.Ancestors);
        };
}
