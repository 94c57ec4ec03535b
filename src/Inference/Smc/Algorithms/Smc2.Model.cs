using Ppl.Dynamic;
using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Smc;

/// <summary>Settings of <see cref="Smc2.Model{TArgs, TRet}"/>.</summary>
public sealed record Smc2Settings
{
    /// <summary>Defaults: θ-particles resampled below ESS = M/2, one PMMH move each from the model's prior, inner filters resampled at every pause.</summary>
    public static Smc2Settings Default { get; } = new();

    /// <summary>
    /// The PMMH proposal on θ after each outer resampling: θ′ given θ (choices at the same addresses), with
    /// log q(θ | θ′) − log q(θ′ | θ) (e.g. <see cref="Pmmh.RandomWalk"/>). Null (the default): an independent proposal
    /// from the model's own prior, which needs no tuning and works for discrete parameters, but is accepted rarely once
    /// the posterior is much narrower than the prior.
    /// </summary>
    public Func<ChoiceMap, Rng, (ChoiceMap Proposed, double LogProposalRatio)>? Proposal { get; init; }

    /// <summary>PMMH moves per θ-particle after each outer resampling (default 1; 0 resamples without moving).</summary>
    public int Moves { get; init; } = 1;

    /// <summary>Resample the θ-particles when their ESS &lt; threshold · M (default 0.5).</summary>
    public double EssThreshold { get; init; } = 0.5;

    /// <summary>Resampling of each inner particle filter (default: systematic at every pause).</summary>
    public SmcOptions Inner { get; init; } = SmcOptions.Default;

    /// <summary>Negative control for the tests: accept every PMMH proposal (the move then no longer leaves p(θ | y₁..ₜ) invariant).</summary>
    internal bool AcceptEveryMove { get; init; }
}

// SMC² on a model written once: θ are choices of the model, each θ-particle's inner filter is bootstrap SMC on the
// model (its state machine, or its replay form) with θ given as observations (as Pmmh.Model constrains them), stepped
// one observation at a time.
public static partial class Smc2
{
    /// <summary>
    /// SMC² on any model bootstrap SMC can pause (a <c>[Model]</c> method or a dynamic model). The parameters θ are the
    /// model's choices at the addresses <paramref name="parameters"/> selects; the state is everything else. θ-particles
    /// are drawn from the model's own prior (by simulating it); each carries a bootstrap filter over the model with θ
    /// constrained, whose evidence Ẑ(θ) estimates p(θ, y₁..ₜ), θ's prior density included (the same terms for every inner
    /// particle, scored where the model draws θ). A θ-particle's weight is Ẑ(θ)/p(θ), unbiased for p(y₁..ₜ | θ), updated
    /// by the inner filter's increment at each observation; when the θ-ESS is low the θ-particles are resampled and moved
    /// by PMMH (<see cref="Smc2Settings.Proposal"/>; acceptance Ẑ(θ′)q(θ | θ′)/Ẑ(θ)q(θ′ | θ), the prior inside Ẑ), each
    /// proposal running a fresh filter up to the current observation. The weight sum estimates p(y) without bias.
    /// <para>
    /// Requirements, each checked: every parameter is drawn before the model's first observation, and its prior density
    /// depends only on the arguments and on other parameters (not on the model's other choices). The inner filters run on
    /// a <c>[Model]</c>'s state machine with θ (and the observations) given as values (O(T) body work per inner filter for T
    /// observations) where it pauses at observed Sample sites (<c>ResumableModel.TakesObservations</c>); otherwise, and
    /// for a dynamic model, by replay (O(T²)). Under one seed both give the same run.
    /// </para>
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Observed values of Sample sites (empty when the model observes its data itself).</param>
    /// <param name="parameters">The addresses of θ.</param>
    /// <param name="thetaParticles">Number of θ-particles M ≥ 1.</param>
    /// <param name="innerParticles">Particles per inner filter N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="settings">PMMH proposal and moves, outer ESS threshold, inner resampling.</param>
    /// <param name="options">Parallelism (over θ-particles), progress (per observation) and cancellation; each inner filter uses one thread.</param>
    public static Smc2Result<ChoiceMap> Model<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, Selection parameters,
        int thetaParticles, int innerParticles, Rng rng, Smc2Settings? settings = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(thetaParticles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(innerParticles, 1);
        settings ??= Smc2Settings.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Moves, 0, nameof(settings.Moves));
        if (!(settings.EssThreshold >= 0 && settings.EssThreshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(settings), settings.EssThreshold, "The SMC² ESS threshold must lie in [0, 1].");
        ArgumentNullException.ThrowIfNull(settings.Inner, nameof(settings.Inner));
        ObservationCheck.RequireNoNaN(observations, model.Name);
        return new ModelSmc2<TArgs, TRet>(model, args, observations, parameters, innerParticles, settings, options ?? RunOptions.Default).Run(thetaParticles, rng);
    }
}

/// <summary>The run behind <see cref="Smc2.Model{TArgs, TRet}"/>.</summary>
internal sealed class ModelSmc2<TArgs, TRet>
{
    private readonly IGenerativeFunction<TArgs, TRet> _model;
    private readonly DynamicModel<TArgs, TRet> _replay;
    private readonly TArgs _args;
    private readonly ChoiceMap _observations;
    private readonly Selection _parameters;
    private readonly int _innerParticles;
    private readonly Smc2Settings _settings;
    private readonly RunOptions _options;
    private readonly RunOptions _inner;

    /// <summary>
    /// A θ-particle: θ, its inner filter, θ's prior log density (scored by the filter where the model draws θ), how many
    /// of θ's choices the filter has met, and how many observations it has passed.
    /// </summary>
    private readonly record struct ThetaParticle(ChoiceMap Theta, int Size, SmcStepper<TArgs, TRet> Filter, double LogPrior, int Visited, int Observations)
    {
        /// <summary>log of Ẑ(θ)/p(θ), unbiased for p(y₁..ₜ | θ): the θ-particle's weight before any resampling.</summary>
        public double LogLikelihood => double.IsNegativeInfinity(Filter.LogEvidence) ? double.NegativeInfinity : Filter.LogEvidence - LogPrior;
    }

    public ModelSmc2(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, Selection parameters, int innerParticles,
        Smc2Settings settings, RunOptions options)
    {
        _model = model;
        _replay = BootstrapSmc.ReplayForm(model);
        _args = args;
        _observations = observations;
        _parameters = parameters;
        _innerParticles = innerParticles;
        _settings = settings;
        _options = options;
        _inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
    }

    private string Name => _replay.Name;

    public Smc2Result<ChoiceMap> Run(int m, Rng rng)
    {
        var parts = new ThetaParticle[m];
        ParticleParallel.For(m, rng, _options, (i, r) => parts[i] = Start(DrawTheta(r), r));
        var lw = Enumerable.Repeat(-Math.Log(m), m).ToArray();
        var records = new List<SmcStep>();
        var ancestry = new List<int[]?>();
        long proposals = 0, accepted = 0;
        for (var t = 1; ; t++)
        {
            _options.Cancellation.ThrowIfCancellationRequested();
            var before = parts.Select(p => p.LogLikelihood).ToArray();
            var weights = lw;
            ParticleParallel.For(m, rng, _options, (i, r) =>
            {
                // A θ-particle of weight zero is not run further (its filter may be dead: −∞ − (−∞) would be NaN).
                if (!double.IsNegativeInfinity(weights[i])) parts[i] = Advance(parts[i], r);
            });
            // No live θ-particle met an observation or died trying (its filter's every particle ruled out): the models ran
            // to their ends, nothing more to weigh.
            if (!Enumerable.Range(0, m).Any(i => !double.IsNegativeInfinity(lw[i])
                    && (parts[i].Observations == t || double.IsNegativeInfinity(parts[i].LogLikelihood)))) break;
            for (var i = 0; i < m; i++)
            {
                if (double.IsNegativeInfinity(lw[i])) continue;
                var after = parts[i].LogLikelihood;
                lw[i] = double.IsNegativeInfinity(after) ? double.NegativeInfinity : lw[i] + (after - before[i]);
            }
            var population = new Population<int>(Enumerable.Range(0, m).ToArray(), lw);
            if (double.IsNegativeInfinity(population.LogEvidence))
                throw new InferenceException(
                    $"SMC² on '{Name}': every one of the {m} θ-particle weights is zero at observation {t}; no θ drawn from the prior explains the data up to there. Check the observations against the model's support, or use more particles.");
            var ess = population.EffectiveSampleSize;
            var evidence = population.LogEvidence;
            int[]? parents = null;
            if (ess < _settings.EssThreshold * m)
            {
                population = population.Resample(Resamplers.Systematic, rng);
                var chosen = population.Ancestors!.ToArray();
                parents = chosen;
                var old = parts.ToArray();
                var acceptedHere = new int[m];
                var time = t;
                ParticleParallel.For(m, rng, _options, (i, r) => (parts[i], acceptedHere[i]) = Rejuvenate(old[chosen[i]], time, r));
                proposals += (long)m * _settings.Moves;
                accepted += acceptedHere.Sum();
                lw = population.LogWeights.ToArray();
            }
            ancestry.Add(parents);
            records.Add(new SmcStep(t, ess, parents is not null, evidence, parents is null ? m : parents.Distinct().Count()));
            _options.Progress?.Report(new Progress(t, t + 1));
        }
        return new Smc2Result<ChoiceMap>(parts.Select(p => p.Theta).ToArray(), lw, MathUtil.LogSumExp(lw), records, ancestry,
            proposals == 0 ? double.NaN : (double)accepted / proposals);
    }

    /// <summary>
    /// θ from the model's prior: the selected choices of one run of the model with the observed Sample sites given (an
    /// unconstrained choice is a prior draw, and θ comes before every observation), so the run draws the same random
    /// numbers however the model is conditioned.
    /// </summary>
    private ChoiceMap DrawTheta(Rng rng)
    {
        var trace = _replay.Generate(_args, _observations, rng).Trace;
        var theta = ChoiceMap.Empty;
        foreach (var (a, v) in trace.Choices.Leaves)
            if (_parameters.Contains(a))
            {
                if (_observations.Contains(a))
                    throw new ArgumentException($"SMC² on '{Name}': '{a}' is both a parameter and an observation.", nameof(_parameters));
                theta = theta.Set(a, v);
            }
        if (theta.IsEmpty)
            throw new ArgumentException(
                $"SMC² on '{Name}': the parameter selection names none of the model's choices (it made {string.Join(", ", trace.Choices.Leaves.Select(l => $"'{l.Address}'").Take(8))}).",
                "parameters");
        return theta;
    }

    private ThetaParticle Start(ChoiceMap theta, Rng rng)
    {
        // The model's state machine where it has one that takes observations (O(T) per filter), else its replay (O(T²)).
        var paused = ResumableSmc.Paused(_model, _observations.Merge(theta));
        return new ThetaParticle(theta, theta.Leaves.Count(), SmcStepper<TArgs, TRet>.Start(paused, _args, _innerParticles, _settings.Inner, rng), 0, 0, 0);
    }

    /// <summary>
    /// Steps the inner filter to its next observation (or its end), passing the pauses where the model draws θ: there
    /// every inner particle scores θ's prior density, the same for all of them, which is recorded as log p(θ).
    /// </summary>
    private ThetaParticle Advance(ThetaParticle p, Rng rng)
    {
        var filter = p.Filter;
        var (logPrior, visited) = (p.LogPrior, p.Visited);
        while (!filter.Finished)
        {
            var pauses = filter.Pauses;
            filter = filter.Step(rng, _inner);
            // Ran to the end, or every inner particle died (θ outside the support): no observation was met.
            if (filter.Pauses == pauses || double.IsNegativeInfinity(filter.LogEvidence)) break;
            // Once every parameter is met no pause can meet another (and reading θ's density off every particle is skipped).
            var (count, density) = visited < p.Size ? ThetaDensity(filter, p.Theta) : (visited, logPrior);
            if (count > visited)
            {
                (logPrior, visited) = (density, count);
                continue;
            }
            if (visited < p.Size)
                throw new InferenceException(
                    $"SMC² on '{Name}': the parameter{(p.Size - visited > 1 ? "s" : "")} {string.Join(", ", Unvisited(filter, p.Theta).Select(a => $"'{a}'"))} " +
                    $"{(p.Size - visited > 1 ? "are" : "is")} drawn after the model's observation at pause {filter.Pauses}; SMC² weighs θ by the evidence of each observation given θ, so every parameter must be drawn before the first one.");
            return p with { Filter = filter, LogPrior = logPrior, Visited = visited, Observations = p.Observations + 1 };
        }
        return p with { Filter = filter, LogPrior = logPrior, Visited = visited };
    }

    /// <summary>How many of θ's choices the live inner particles have scored, and their log density, checked equal across particles.</summary>
    private (int Count, double LogDensity) ThetaDensity(SmcStepper<TArgs, TRet> filter, ChoiceMap theta)
    {
        var population = filter.Population;
        int? count = null;
        double density = 0;
        for (var i = 0; i < population.Count; i++)
        {
            if (double.IsNegativeInfinity(population.LogWeights[i])) continue;
            var trace = population.Particles[i];
            var (c, d) = (0, 0.0);
            foreach (var (a, _) in theta.Leaves)
                if (ObservedLogDensity(trace, a) is { } logDensity)
                    (c, d) = (c + 1, d + logDensity);
            if (count is null) (count, density) = (c, d);
            else if (c != count || Math.Abs(d - density) > 1e-9 * (1 + Math.Abs(density)))
                throw new InferenceException(
                    $"SMC² on '{Name}': the prior density of the parameters {string.Join(", ", theta.Leaves.Select(l => $"'{l.Address}'"))} differs between inner particles " +
                    $"(log {density} and {d} at pause {filter.Pauses}); θ's prior must depend only on the model's arguments and on other parameters, not on its other choices.");
        }
        return (count ?? 0, density);
    }

    private static IEnumerable<Address> Unvisited(SmcStepper<TArgs, TRet> filter, ChoiceMap theta)
    {
        var population = filter.Population;
        var live = Enumerable.Range(0, population.Count).First(i => !double.IsNegativeInfinity(population.LogWeights[i]));
        var trace = population.Particles[live];
        return theta.Leaves.Select(l => l.Address).Where(a => ObservedLogDensity(trace, a) is null);
    }

    /// <summary>The log density an inner particle scored at the observed Sample site <paramref name="address"/> (null: not yet visited).</summary>
    private static double? ObservedLogDensity(ITrace<(TArgs Args, int Pauses), Paused<TRet>> trace, Address address) => trace switch
    {
        DynamicTrace<(TArgs Args, int Pauses), Paused<TRet>> d => d.ObservationRecords.TryGetValue(address, out var record) ? record.LogDensity : null,
        ResumableTrace<TArgs, TRet> r => r.Execution.ObservedLogDensity(address),
        _ => throw new InvalidOperationException($"SMC² on a paused trace of type {trace.GetType().Name}; this is a bug."),
    };

    /// <summary>
    /// PMMH moves on a resampled θ-particle targeting p(θ | y₁..ₜ): each proposal runs a fresh inner filter up to
    /// observation <paramref name="time"/>, accepted with Ẑ(θ′)q(θ | θ′)/Ẑ(θ)q(θ′ | θ) (θ's prior inside Ẑ).
    /// </summary>
    private (ThetaParticle Particle, int Accepted) Rejuvenate(ThetaParticle current, int time, Rng rng)
    {
        var accepted = 0;
        for (var move = 0; move < _settings.Moves; move++)
        {
            ChoiceMap proposed;
            double logRatio;
            if (_settings.Proposal is null) (proposed, logRatio) = (DrawTheta(rng), 0.0);
            else
            {
                (proposed, logRatio) = _settings.Proposal(current.Theta, rng);
                ArgumentNullException.ThrowIfNull(proposed, "proposal");
                RequireSameAddresses(current.Theta, proposed);
            }
            ThetaParticle fresh;
            try
            {
                fresh = Start(proposed, rng);
                while (fresh.Observations < time && !fresh.Filter.Finished) fresh = Advance(fresh, rng);
            }
            catch (Exception e) when (DensityErrors.IsRejection(e))
            {
                // θ′ outside the support: a distribution rejects its parameter.
                continue;
            }
            // From the prior, q(θ | θ′)/q(θ′ | θ) = p(θ)/p(θ′), which cancels the priors inside the Ẑs.
            var logAccept = _settings.Proposal is null
                ? fresh.LogLikelihood - current.LogLikelihood
                : fresh.Filter.LogEvidence - current.Filter.LogEvidence + logRatio;
            if (_settings.AcceptEveryMove || Accept.Draw(logAccept, rng).Accepted)
            {
                current = fresh;
                accepted++;
            }
        }
        return (current, accepted);
    }

    private void RequireSameAddresses(ChoiceMap theta, ChoiceMap proposed)
    {
        foreach (var (a, _) in proposed.Leaves)
            if (!theta.Contains(a))
                throw new ArgumentException($"SMC² on '{Name}': the proposal gave '{a}', which is not a parameter of the θ-particle ({string.Join(", ", theta.Leaves.Select(l => $"'{l.Address}'"))}).", "settings");
        foreach (var (a, _) in theta.Leaves)
            if (!proposed.Contains(a))
                throw new ArgumentException($"SMC² on '{Name}': the proposal dropped the parameter '{a}'.", "settings");
    }
}
