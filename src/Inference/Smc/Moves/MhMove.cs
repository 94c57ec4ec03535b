using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Smc;

/// <summary>SMC's rejuvenation by Metropolis–Hastings: the one MH move (<see cref="MetropolisHastings{TArgs, TRet}.Step(ITrace{TArgs, TRet}, Selection, Rng)"/>) applied to every particle.</summary>
public static class MhMove
{
    /// <summary>
    /// A population transform applying <paramref name="steps"/> MH steps on the selection of pause k to every particle
    /// (parallel, one stream each). It leaves each particle's target invariant, so the weights are unchanged.
    /// </summary>
    public static PopulationTransform<ITrace<TArgs, TRet>> Population<TArgs, TRet>(Func<int, Selection> selection, int steps = 1) =>
        (population, step, rng, options) =>
        {
            var traces = population.Particles.ToArray();
            var sel = selection(step);
            ParticleParallel.For(traces.Length, rng, options, (i, r) =>
            {
                for (var s = 0; s < steps; s++) traces[i] = MetropolisHastings<TArgs, TRet>.Step(traces[i], sel, r).Trace;
            });
            return new Population<ITrace<TArgs, TRet>>(traces, population.LogWeights, population.Ancestors);
        };
}
