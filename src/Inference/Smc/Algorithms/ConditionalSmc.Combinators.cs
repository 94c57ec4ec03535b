namespace Ppl.Inference.Smc;

// Conditional SMC over the growing combinators, on the loop every combinator SMC runs (TraceExtensionSmc): particle 0
// follows the reference by extending its trace with the reference's own choices for the new step (Update on an Unfold,
// Extend on a Map), so a sweep costs O(T) kernel runs, the reference's included, with no replay of its prefix.
public static partial class ConditionalSmc
{
    /// <summary>
    /// One conditional SMC sweep over an <see cref="Unfold{TState, TParams}"/> chain: a bootstrap filter (as
    /// <see cref="UnfoldSmc"/>) in which particle 0 follows <paramref name="reference"/>'s first t + 1 steps at step t
    /// and is its own parent, the other N − 1 draw their parents multinomially from all N after every step, and the
    /// result is one final particle drawn ∝ its weight. The map reference → result leaves p(x₀..x_T | y) invariant for
    /// any N ≥ 2: it is the state update of particle Gibbs (<see cref="ParticleGibbs.Unfold{TState, TParams}"/>).
    /// </summary>
    /// <param name="model">The chain.</param>
    /// <param name="init">Its initial state.</param>
    /// <param name="parameters">Its parameters (the reference's own are ignored: only its choices are followed).</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel; one map per step.</param>
    /// <param name="reference">The current path: a trace of the chain with one step per observation map (its observed
    /// choices are replaced by <paramref name="observations"/>). Null: an unconditional filter's draw, a starting path.</param>
    /// <param name="particles">N ≥ 2 (including the reference).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism (particles) and cancellation.</param>
    /// <param name="ancestorSampling">Draw the reference's ancestor after each step (Lindsten, Jordan and Schön 2014) ∝ the
    /// particle's weight times the density of the reference's later steps given the particle's last state: the early
    /// states then mix even when the steps far outnumber the particles. It runs the kernel's <c>Assess</c> on the
    /// reference's next step for each particle, and on later steps only while the particle's state differs from the
    /// reference's there (for a chain whose state is its step's choice, once per particle per step).</param>
    /// <returns>The new path: an Unfold trace of T steps.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The reference's step count differs from the observations', it lacks a choice
    /// the model makes, or it has zero density given the observations.</exception>
    public static ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Unfold<TState, TParams>(
        Unfold<TState, TParams> model, TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations,
        ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>? reference, int particles, Rng rng,
        RunOptions? options = null, bool ancestorSampling = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorSmcChecks.Observations(observations, "ConditionalSmc.Unfold", model.Name, "step");
        CombinatorSmcChecks.Particles(particles, 2, "ConditionalSmc.Unfold");
        ObservationCheck.RequireNoNaN(ConditionalSmc.ByIndex(observations), model.Name);
        var constraints = observations.Select((o, t) => ChoiceMap.Empty.SetSubmap(t, o)).ToArray();
        TraceExtensionHooks<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>? hooks = null;
        if (reference is not null)
        {
            var path = new UnfoldReference<TState, TParams>(model, init, parameters, observations, reference, rng);
            hooks = new() { FollowReference = path.Follow, ReferenceRest = ancestorSampling ? path.Rest : null };
        }
        // Without a reference: the unconditional filter resampling after every step, as the conditional one does.
        var result = UnfoldSmc.Core(model, init, parameters, observations, particles, rng, Resamplers.Multinomial, 1, options,
            (trace, args, t, r) =>
            {
                var (next, w, _) = model.Update(trace, args, constraints[t], r);
                return (next, w);
            }, "particle", hooks);
        return TraceExtensionSmc.Draw(result.Population, rng);
    }

    /// <summary>
    /// One conditional SMC sweep over a <see cref="Map{TItem, TOut}"/> plate, item by item (as <see cref="MapSmc"/>):
    /// particle 0 follows <paramref name="reference"/>'s first k + 1 items after item k, the others are resampled
    /// multinomially from all N after every item, and the result is one final particle drawn ∝ its weight. It leaves the
    /// posterior of the items' latent choices invariant for any N ≥ 2. The items are independent, so ancestor sampling
    /// draws the reference's ancestor ∝ the weights alone (the reference's later items weigh every prefix alike).
    /// </summary>
    /// <param name="model">The plate.</param>
    /// <param name="items">Its items' arguments.</param>
    /// <param name="observations">Item k's observed choices, relative to the kernel; exactly one map per item.</param>
    /// <param name="reference">The current latent choices: a trace of the Map over the same items (its observed choices
    /// are replaced by <paramref name="observations"/>). Null: an unconditional filter's draw.</param>
    /// <param name="particles">N ≥ 2 (including the reference).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism (particles) and cancellation.</param>
    /// <param name="ancestorSampling">Draw the reference's ancestor after each item ∝ the weights.</param>
    /// <returns>The new Map trace over all the items.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 2.</exception>
    /// <exception cref="ArgumentException">The counts of items, observations and the reference's items differ, or the
    /// reference lacks a choice the model makes or has zero density.</exception>
    public static ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Map<TItem, TOut>(
        Map<TItem, TOut> model, IReadOnlyList<TItem> items, IReadOnlyList<ChoiceMap> observations,
        ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>>? reference, int particles, Rng rng,
        RunOptions? options = null, bool ancestorSampling = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorSmcChecks.Observations(observations, "ConditionalSmc.Map", model.Name, "item");
        CombinatorSmcChecks.Particles(particles, 2, "ConditionalSmc.Map");
        TraceExtensionHooks<IReadOnlyList<TItem>, IReadOnlyList<TOut>>? hooks = null;
        if (reference is not null)
        {
            if (items.Count != observations.Count)
                throw new ArgumentException($"ConditionalSmc.Map on '{model.Name}' needs one observation map per item: {items.Count} items but {observations.Count} observation maps.", nameof(observations));
            var choices = ReferenceSteps(reference, observations, model.Name, "item");
            var full = model.Generate(items, ConditionalSmc.ByIndex(choices), rng).Trace;
            CheckReference(full.Choices, choices, full.Score, model.Name, "item");
            var observed = Observed(observations);
            hooks = new()
            {
                FollowReference = (trace, k, r) =>
                {
                    var (next, _, _) = model.Extend(trace, items[k], choices[k], r);
                    // The increment a bootstrap extension gives: item k's observed densities, Observe and Factor.
                    return (next, model.Kernel.Project(((MapTrace<TItem, TOut>)next).SubTraces[k], observed[k]));
                },
                ReferenceRest = ancestorSampling ? (_, _) => 0 : null,
            };
        }
        var result = MapSmc.Core(model, items, observations, particles, rng, Resamplers.Multinomial, 1, options, "ConditionalSmc.Map", hooks, 2);
        return TraceExtensionSmc.Draw(result.Population, rng);
    }

    /// <summary>The reference's choices per step, its observed ones replaced by the observations; checks the step count.</summary>
    internal static ChoiceMap[] ReferenceSteps(ITrace reference, IReadOnlyList<ChoiceMap> observations, string model, string stepKind)
    {
        var count = reference.ReturnObject is System.Collections.ICollection c ? c.Count : -1;
        if (count != observations.Count)
            throw new ArgumentException(
                $"The reference of conditional SMC on '{model}' has {count} {stepKind}s but there are {observations.Count} observation maps; give a trace over every {stepKind}.",
                nameof(reference));
        return observations.Select((o, t) =>
            ModelConditionalSmc<object, object>.Without(reference.Choices.GetSubmap(t), Selection.At(o.Leaves.Select(l => l.Address).ToArray())).Merge(o)).ToArray();
    }

    /// <summary>Throws when the reference's full trace drew a choice the reference lacks, or has zero density.</summary>
    internal static void CheckReference(ChoiceMap drawn, ChoiceMap[] given, double score, string model, string stepKind)
    {
        for (var t = 0; t < given.Length; t++)
            foreach (var (a, _) in drawn.GetSubmap(t).Leaves)
                if (!given[t].Contains(a))
                    throw new ArgumentException($"The reference of conditional SMC on '{model}' has no value at '{new Address(t) / a}' ({stepKind} {t}), a choice the model makes given the reference's other choices.", "reference");
        if (double.IsNegativeInfinity(score) || double.IsNaN(score))
            throw new ArgumentException($"The reference of conditional SMC on '{model}' has zero density given the observations (log density {score}).", "reference");
    }

    /// <summary>The maps as one choice map, map t under index t (the addressing of Unfold and Map).</summary>
    internal static ChoiceMap ByIndex(IReadOnlyList<ChoiceMap> perStep)
    {
        var all = ChoiceMap.Empty;
        for (var t = 0; t < perStep.Count; t++)
            if (!perStep[t].IsEmpty) all = all.SetSubmap(t, perStep[t]);
        return all;
    }

    /// <summary>Each step's observed addresses, relative to the kernel.</summary>
    internal static Selection[] Observed(IReadOnlyList<ChoiceMap> observations) =>
        observations.Select(o => Selection.At(o.Leaves.Select(l => l.Address).ToArray())).ToArray();
}

/// <summary>
/// The reference path of conditional SMC over an Unfold: its choices per step (observations merged in), its full trace
/// at the sweep's arguments (the reference's states and step scores, for ancestor sampling), and the loop's hooks.
/// </summary>
internal sealed class UnfoldReference<TState, TParams>
{
    private readonly Unfold<TState, TParams> _model;
    private readonly TState _init;
    private readonly TParams _parameters;
    private readonly ChoiceMap[] _steps;
    private readonly ChoiceMap[] _constraints;
    private readonly Selection[] _observed;
    private readonly UnfoldTrace<TState, TParams> _full;

    public UnfoldReference(Unfold<TState, TParams> model, TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations,
        ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> reference, Rng rng)
    {
        _model = model;
        _init = init;
        _parameters = parameters;
        _steps = ConditionalSmc.ReferenceSteps(reference, observations, model.Name, "step");
        _constraints = _steps.Select((c, t) => ChoiceMap.Empty.SetSubmap(t, c)).ToArray();
        _observed = ConditionalSmc.Observed(observations);
        _full = (UnfoldTrace<TState, TParams>)model.Generate((_steps.Length, init, parameters), ConditionalSmc.ByIndex(_steps), rng).Trace;
        ConditionalSmc.CheckReference(_full.Choices, _steps, _full.Score, model.Name, "step");
    }

    /// <summary>
    /// Extends particle 0 by the reference's step t: Update with every choice of that step given, so nothing is drawn;
    /// the increment is what a bootstrap extension would weigh it by, the step's observed densities, Observe and Factor
    /// (its Project on the observed addresses), not the Update weight, which also has the latent choices' prior density.
    /// </summary>
    public (ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Trace, double LogWeight) Follow(
        ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, int t, Rng rng)
    {
        var (next, _, _) = _model.Update(trace, (t + 1, _init, _parameters), _constraints[t], rng);
        return (next, _model.Kernel.Project(((UnfoldTrace<TState, TParams>)next).SubTraces[t], _observed[t]));
    }

    /// <summary>
    /// log p(reference's steps s…T−1 | the particle's state after s steps) minus the same under the reference's own
    /// states (a constant shared by all particles). The walk stops at the first step whose input state equals the
    /// reference's: from there on every term cancels. A graft the kernel cannot run has density zero.
    /// </summary>
    public double Rest(ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> prefix, int s)
    {
        if (s >= _steps.Length) return 0;
        var state = prefix.Return[s - 1];
        double total = 0;
        for (var u = s; u < _steps.Length; u++)
        {
            if (CombinatorChecks.Same(state, _full.States[u - 1])) break;
            try
            {
                var (w, next) = _model.Kernel.Assess((u, state, _parameters), _steps[u]);
                if (double.IsNegativeInfinity(w)) return double.NegativeInfinity;
                total += w - _full.SubTraces[u].Score;
                state = next;
            }
            catch (ModelException e) when (e is not ModelCodeException)
            {
                return double.NegativeInfinity;
            }
        }
        return total;
    }
}
