namespace Ppl.Inference.Smc;

/// <summary>
/// SMC²'s outer loop (Chopin, Jacob and Papaspiliopoulos 2013) over any inner filter: θ-particles weighted by their
/// filters' evidence increments, resampled (systematically) when the ESS falls below the threshold, and rejuvenated by
/// PMMH moves whose proposed θ gets a fresh filter run to the current step. <see cref="Smc2.Run{TModel, TState, TParam}"/>
/// (typed state-space filters) and <see cref="Smc2.Unfold{TState, TParams}"/> (the combinator loop's filters) differ only
/// in their filters, given here as <see cref="Smc2Filters{TParam, TFilter}"/>.
/// </summary>
internal static class Smc2Loop
{
    /// <summary>Runs the loop over <paramref name="steps"/> observations.</summary>
    /// <param name="filters">How to start, advance, weigh and copy an inner filter.</param>
    /// <param name="steps">The number of observations, read from the first θ-particle's filter once started.</param>
    /// <param name="firstStep">The number the records give the first step (1 for the typed filters' times, 0 for the combinators' steps).</param>
    /// <param name="samplePrior">Draws θ from its prior.</param>
    /// <param name="logPrior">log p(θ).</param>
    /// <param name="propose">The PMMH proposal: (θ′, log q(θ | θ′) − log q(θ′ | θ)).</param>
    /// <param name="n">The number of θ-particles.</param>
    /// <param name="rng">The run's stream.</param>
    /// <param name="moves">PMMH moves per θ-particle after each resampling.</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · n.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <param name="zeroEvidence">The message when every θ-particle's weight is zero after step t.</param>
    public static Smc2Result<TParam> Run<TParam, TFilter>(Smc2Filters<TParam, TFilter> filters, Func<TFilter, int> steps, int firstStep,
        Func<Rng, TParam> samplePrior, Func<TParam, double> logPrior, Func<TParam, Rng, (TParam Proposed, double LogProposalRatio)> propose,
        int n, Rng rng, int moves, double essThreshold, RunOptions options, Func<int, string> zeroEvidence)
    {
        var thetas = new TParam[n];
        var inner = new TFilter[n];
        ParticleParallel.For(n, rng, options, (i, r) =>
        {
            thetas[i] = samplePrior(r);
            inner[i] = filters.Start(thetas[i], r);
        });
        var count = steps(inner[0]);
        var population = Population<int>.Spawn(n, i => i);
        var records = new List<SmcStep>(count);
        var ancestry = new List<int[]?>(count);
        long proposals = 0, accepted = 0;
        for (var t = 0; t < count; t++)
        {
            var time = t;
            var increments = new double[n];
            var weights = population.LogWeights;
            ParticleParallel.For(n, rng, options, (i, r) =>
            {
                // A θ-particle of weight zero is not run further (its filter may be dead: −∞ − (−∞) would be NaN).
                if (double.IsNegativeInfinity(weights[i])) return;
                var before = filters.LogEvidence(inner[i]);
                inner[i] = filters.Advance(inner[i], time, r);
                increments[i] = filters.LogEvidence(inner[i]) - before;
            });
            population = population.WithLogWeights(weights.Select((w, i) => double.IsNegativeInfinity(w) ? w : w + increments[i]).ToArray());
            if (double.IsNegativeInfinity(population.LogEvidence)) throw new InferenceException(zeroEvidence(t));
            var ess = population.EffectiveSampleSize;
            var evidence = population.LogEvidence;
            var resampled = ess < essThreshold * n;
            int[]? parents = null;
            if (resampled)
            {
                population = population.Resample(Resamplers.Systematic, rng);
                var chosen = population.Ancestors!.ToArray();
                parents = chosen;
                var oldThetas = thetas.ToArray();
                var oldFilters = inner.ToArray();
                var acceptedHere = new int[n];
                ParticleParallel.For(n, rng, options, (i, r) =>
                {
                    var theta = oldThetas[chosen[i]];
                    var filter = filters.Copy(oldFilters[chosen[i]], r);
                    var prior = logPrior(theta);
                    for (var m = 0; m < moves; m++)
                    {
                        var (proposed, logRatio) = propose(theta, r);
                        var proposedPrior = logPrior(proposed);
                        var logAccept = double.NegativeInfinity;
                        var fresh = default(TFilter);
                        if (proposedPrior > double.NegativeInfinity)
                        {
                            fresh = filters.Start(proposed, r);
                            for (var u = 0; u <= time && !double.IsNegativeInfinity(filters.LogEvidence(fresh)); u++) fresh = filters.Advance(fresh, u, r);
                            logAccept = proposedPrior + filters.LogEvidence(fresh) - prior - filters.LogEvidence(filter) + logRatio;
                        }
                        // One accept draw per proposal, whatever its ratio: the rule every MH move in Ppl uses.
                        if (Mcmc.Accept.Draw(logAccept, r).Accepted && fresh is not null)
                        {
                            (theta, filter, prior) = (proposed, fresh, proposedPrior);
                            acceptedHere[i]++;
                        }
                    }
                    thetas[i] = theta;
                    inner[i] = filter;
                });
                proposals += (long)n * moves;
                accepted += acceptedHere.Sum();
                population = new Population<int>(Enumerable.Range(0, n).ToArray(), population.LogWeights);
            }
            ancestry.Add(parents);
            records.Add(new SmcStep(t + firstStep, ess, resampled, evidence, parents is null ? n : parents.Distinct().Count()));
            options.Progress?.Report(new Progress(t + 1, count));
            options.Cancellation.ThrowIfCancellationRequested();
        }
        return new Smc2Result<TParam>(thetas, population.LogWeights.ToArray(), population.LogEvidence, records, ancestry,
            proposals == 0 ? double.NaN : (double)accepted / proposals);
    }
}
