namespace Ppl.Inference.Smc;

/// <summary>
/// One step of <see cref="TraceExtensionSmc"/>'s loop, for callers that advance a filter one observation at a time (SMC²'s
/// inner filters): extend the live particles, check the evidence, resample (or conditionally resample), move. It holds
/// only the configuration; a filter's state is its population, so filters sharing a stepper can be copied freely.
/// </summary>
internal sealed class TraceExtensionStepper<TArgs, TRet>
{
    private readonly IReadOnlyList<ChoiceMap> _observations;
    private readonly int _particles;
    private readonly IResampler _resampler;
    private readonly double _essThreshold;
    private readonly RunOptions _options;
    private readonly Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)> _extend;
    private readonly string _stepKind;
    private readonly string _particleKind;
    private readonly Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)>? _follow;
    private readonly Func<ITrace<TArgs, TRet>, int, Rng, ITrace<TArgs, TRet>>? _move;
    private readonly Func<ITrace<TArgs, TRet>, int, double>? _rest;

    /// <summary>The configuration (see <see cref="TraceExtensionSmc.Run{TArgs, TRet}"/> for each argument).</summary>
    public TraceExtensionStepper(IReadOnlyList<ChoiceMap> observations, int particles, IResampler? resampler, double essThreshold, RunOptions? options,
        Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)> extend, string stepKind, string particleKind,
        TraceExtensionHooks<TArgs, TRet>? hooks)
    {
        _observations = observations;
        _particles = particles;
        _resampler = resampler ?? Resamplers.Systematic;
        _essThreshold = essThreshold;
        _options = options ?? RunOptions.Default;
        _extend = extend;
        _stepKind = stepKind;
        _particleKind = particleKind;
        _follow = hooks?.FollowReference;
        _move = hooks?.Move;
        _rest = hooks?.ReferenceRest;
        if (_follow is not null && _move is not null)
            throw new InvalidOperationException("A reference particle and moves cannot be combined: a move would change the reference.");
    }

    /// <summary>N copies of the empty trace, each of weight 1/N.</summary>
    public Population<ITrace<TArgs, TRet>> Start(ITrace<TArgs, TRet> start) => Population<ITrace<TArgs, TRet>>.Spawn(_particles, _ => start);

    /// <summary>Step t: extend (particle 0 along the reference, if any), check, resample, move; returns the new population and its record.</summary>
    public (Population<ITrace<TArgs, TRet>> Population, SmcStep Step) Step(Population<ITrace<TArgs, TRet>> population, int t, Rng rng)
    {
        var traces = population.Particles.ToArray();
        var logWeights = population.LogWeights.ToArray();
        var follow = _follow;
        var extend = _extend;
        ParticleParallel.For(traces.Length, rng, _options, (i, r) =>
        {
            // A dead particle stays dead: its update weight would be −∞ − (−∞).
            if (double.IsNegativeInfinity(logWeights[i])) return;
            var (next, w) = i == 0 && follow is not null ? follow(traces[i], t, r) : extend(traces[i], t, r);
            traces[i] = next;
            logWeights[i] += w;
        });
        population = new Population<ITrace<TArgs, TRet>>(traces, logWeights);
        if (double.IsNegativeInfinity(population.LogEvidence))
            throw new InferenceException(
                $"All {_particles} particle weights are zero after {_stepKind} {t}: the observations {_observations[t]} have zero density under every {_particleKind}.");
        var ess = population.EffectiveSampleSize;
        var evidence = population.LogEvidence;
        bool resampled;
        if (follow is not null)
        {
            // The last step is not resampled: the caller draws its one particle ∝ the final weights.
            resampled = t < _observations.Count - 1;
            if (resampled) population = ConditionalResample(population, _rest, t + 1, rng);
        }
        else
        {
            resampled = ess < _essThreshold * _particles;
            if (resampled) population = population.Resample(_resampler, rng);
            if (_move is not null) population = Move(population, _move, t, rng, _options);
        }
        return (population, new SmcStep(t, ess, resampled, evidence, population.Ancestors?.Distinct().Count() ?? _particles));
    }

    /// <summary>
    /// Moves every live particle with a kernel that leaves its own target (the trace's normalised density, the
    /// partial posterior after step t) invariant; the weights are unchanged, so Ẑ stays unbiased.
    /// </summary>
    private static Population<ITrace<TArgs, TRet>> Move(Population<ITrace<TArgs, TRet>> population,
        Func<ITrace<TArgs, TRet>, int, Rng, ITrace<TArgs, TRet>> move, int t, Rng rng, RunOptions options)
    {
        var traces = population.Particles.ToArray();
        var logWeights = population.LogWeights;
        ParticleParallel.For(traces.Length, rng, options, (i, r) =>
        {
            if (!double.IsNegativeInfinity(logWeights[i])) traces[i] = move(traces[i], t, r);
        });
        return new Population<ITrace<TArgs, TRet>>(traces, logWeights, population.Ancestors);
    }

    /// <summary>
    /// Conditional multinomial resampling, every offspring with weight Z/N: particle 0's parent is 0 (the reference's
    /// prefix), or with ancestor sampling i ∝ wᵢ · exp(rest(xᵢ, steps)), the density of the reference's remaining steps
    /// given particle i's prefix relative to the prefix's own (Lindsten, Jordan and Schön 2014); the other N − 1 draw
    /// their parents from all N ∝ wᵢ.
    /// </summary>
    private static Population<ITrace<TArgs, TRet>> ConditionalResample(Population<ITrace<TArgs, TRet>> population,
        Func<ITrace<TArgs, TRet>, int, double>? rest, int steps, Rng rng)
    {
        var n = population.Count;
        var lw = population.LogWeights;
        var logZ = population.LogEvidence;
        var weights = lw.Select(w => Math.Exp(w - logZ)).ToArray();
        var ancestors = new int[n];
        if (rest is not null)
        {
            var logs = new double[n];
            for (var i = 0; i < n; i++)
                logs[i] = double.IsNegativeInfinity(lw[i]) ? double.NegativeInfinity : lw[i] + rest(population.Particles[i], steps);
            var max = logs.Max();
            ancestors[0] = double.IsNegativeInfinity(max) ? 0 : rng.DrawIndex(logs.Select(l => double.IsNaN(l) ? 0 : Math.Exp(l - max)).ToArray());
        }
        Resamplers.Categorical(weights, ancestors.AsSpan(1), rng);
        var traces = ancestors.Select(a => population.Particles[a]).ToArray();
        var each = Enumerable.Repeat(logZ - Math.Log(n), n).ToArray();
        return new Population<ITrace<TArgs, TRet>>(traces, each, ancestors);
    }
}
