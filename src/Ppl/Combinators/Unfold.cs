using System.Collections.Immutable;

namespace Ppl;

/// <summary>
/// A Markov chain or state-space model: runs a kernel for steps t = 0…Steps−1, each call at address
/// <c>t</c> receiving (t, previous state, parameters) and returning the next state; the first call gets
/// <c>Init</c>. Returns the states after each step.
/// <para>
/// The point of the combinator is its incremental update: extending a trace by one step with the same
/// initial state and parameters, constraining only the new step, reuses every old sub-trace untouched
/// and runs the kernel once (<see cref="KernelVisits"/> lets tests check this). Other updates re-run the
/// kernel from the first affected step onward, and stop early once the states agree with the old ones
/// again and no later step is constrained. Regenerate runs the kernel only on steps whose selection is
/// not empty or whose input changed, but it asks the selection about every step (a selection cannot
/// list what it holds), so its bookkeeping is O(T).
/// </para>
/// </summary>
/// <typeparam name="TState">The chain's state.</typeparam>
/// <typeparam name="TParams">Parameters passed unchanged to every step.</typeparam>
public sealed class Unfold<TState, TParams> : IGenerativeFunction<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>
{
    private long _kernelVisits;

    /// <summary>Creates a chain over <paramref name="kernel"/>.</summary>
    /// <param name="kernel">One step: (t, state, parameters) to the next state.</param>
    /// <param name="name">A name for messages; defaults to <c>Unfold(kernel)</c>.</param>
    public Unfold(IGenerativeFunction<(int T, TState State, TParams Params), TState> kernel, string? name = null)
    {
        Kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        Name = name ?? $"Unfold({kernel.Name})";
    }

    /// <summary>The generative function run at each step.</summary>
    public IGenerativeFunction<(int T, TState State, TParams Params), TState> Kernel { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The kernel's parameters: the chain adds none of its own.</summary>
    public ParameterStore Parameters => Kernel.Parameters;

    /// <summary>
    /// How many times any operation of this combinator has called into the kernel, since creation. It
    /// measures the work of an operation: read it before and after.
    /// </summary>
    public long KernelVisits => Interlocked.Read(ref _kernelVisits);

    private void Visit() => Interlocked.Increment(ref _kernelVisits);

    /// <inheritdoc />
    public ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Simulate((int Steps, TState Init, TParams Params) args, Rng rng)
    {
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(rng);
        var subs = ImmutableList.CreateBuilder<ITrace<(int T, TState State, TParams Params), TState>>();
        var states = ImmutableList.CreateBuilder<TState>();
        double score = 0;
        var state = args.Init;
        for (var t = 0; t < args.Steps; t++)
        {
            Visit();
            var tr = Kernel.Simulate((t, state, args.Params), rng);
            subs.Add(tr);
            state = tr.Return;
            states.Add(state);
            score += tr.Score;
        }
        return new UnfoldTrace<TState, TParams>(this, args, subs.ToImmutable(), states.ToImmutable(), score);
    }

    /// <inheritdoc />
    public GenerateResult<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Generate((int Steps, TState Init, TParams Params) args,
        ChoiceMap constraints, Rng rng)
    {
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorChecks.CheckIndexed(Name, constraints, args.Steps);
        var subs = ImmutableList.CreateBuilder<ITrace<(int T, TState State, TParams Params), TState>>();
        var states = ImmutableList.CreateBuilder<TState>();
        double score = 0, weight = 0;
        var state = args.Init;
        for (var t = 0; t < args.Steps; t++)
        {
            var (tr, w) = GenerateStep(t, state, args.Params, constraints.GetSubmap(t), rng);
            subs.Add(tr);
            state = tr.Return;
            states.Add(state);
            score += tr.Score;
            weight += w;
        }
        return new(new UnfoldTrace<TState, TParams>(this, args, subs.ToImmutable(), states.ToImmutable(), score), weight);
    }

    /// <inheritdoc />
    public AssessResult<IReadOnlyList<TState>> Assess((int Steps, TState Init, TParams Params) args, ChoiceMap choices)
    {
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(choices);
        CombinatorChecks.CheckIndexed(Name, choices, args.Steps);
        var states = new TState[args.Steps];
        double weight = 0;
        var state = args.Init;
        for (var t = 0; t < args.Steps; t++)
        {
            Visit();
            var kernelArgs = (t, state, args.Params);
            AssessResult<TState> r;
            try
            {
                r = Kernel.Assess(kernelArgs, choices.GetSubmap(t));
            }
            catch (UnvisitedConstraintsException e)
            {
                throw CombinatorChecks.Prefixed(Name, t, e, g => Kernel.Simulate(kernelArgs, g).Choices);
            }
            weight += r.Weight;
            state = r.Return;
            states[t] = state;
        }
        return new(weight, states);
    }

    /// <inheritdoc />
    public ProposeResult<IReadOnlyList<TState>> Propose((int Steps, TState Init, TParams Params) args, Rng rng)
    {
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(rng);
        var choices = new ChoiceMap[args.Steps];
        var states = new TState[args.Steps];
        double weight = 0;
        var state = args.Init;
        for (var t = 0; t < args.Steps; t++)
        {
            Visit();
            var (c, w, r) = Kernel.Propose((t, state, args.Params), rng);
            choices[t] = c;
            state = r;
            states[t] = state;
            weight += w;
        }
        return new(new IndexedChoiceMap(choices.Length, t => choices[t]), weight, states);
    }

    /// <inheritdoc />
    public UpdateResult<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Update(
        ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, (int Steps, TState Init, TParams Params) args,
        ChoiceMap constraints, Rng rng)
    {
        var old = Own(trace);
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var constrained = CombinatorChecks.CheckIndexed(Name, constraints, args.Steps,
            j => j < old.SubTraces.Count ? old.SubTraces[j].Choices : ChoiceMap.Empty);

        var oldSteps = old.SubTraces.Count;
        var common = Math.Min(oldSteps, args.Steps);
        var paramsChanged = !CombinatorChecks.Same(old.Args.Params, args.Params);
        var initChanged = !CombinatorChecks.Same(old.Args.Init, args.Init);
        var lastConstrained = -1;
        foreach (var t in constrained)
            if (t < common) lastConstrained = t;
        var first = paramsChanged || initChanged ? 0 : constrained.Count > 0 ? Math.Min(constrained[0], common) : common;

        var subs = old.SubTraces;
        var states = old.States;
        var score = old.Score;
        double weight = 0;
        var discard = ChoiceMap.Empty;

        var state = first == 0 ? args.Init : states[first - 1];
        for (var t = first; t < common; t++)
        {
            var prev = subs[t];
            var stepConstraints = constraints.GetSubmap(t);
            var changed = paramsChanged || !stepConstraints.IsEmpty || !CombinatorChecks.Same(prev.Args.State, state);
            if (!changed)
            {
                // Same input, no constraints: this step and, past the last constrained one, every later
                // step would reproduce the old trace, so the walk can stop here.
                if (t > lastConstrained) break;
                state = states[t];
                continue;
            }
            Visit();
            var kernelArgs = (t, state, args.Params);
            ITrace<(int T, TState State, TParams Params), TState> tr;
            double w;
            ChoiceMap d;
            try
            {
                (tr, w, d) = Kernel.Update(prev, kernelArgs, stepConstraints, rng);
            }
            catch (UnvisitedConstraintsException e)
            {
                throw CombinatorChecks.Prefixed(Name, t, e, g => Kernel.Simulate(kernelArgs, g).Choices);
            }
            subs = subs.SetItem(t, tr);
            state = tr.Return;
            states = states.SetItem(t, state);
            score += tr.Score - prev.Score;
            weight += w;
            if (!d.IsEmpty) discard = discard.SetSubmap(t, d);
        }

        state = common == 0 ? args.Init : states[common - 1];
        for (var t = common; t < args.Steps; t++)
        {
            var (tr, w) = GenerateStep(t, state, args.Params, constraints.GetSubmap(t), rng);
            subs = subs.Add(tr);
            state = tr.Return;
            states = states.Add(state);
            score += tr.Score;
            weight += w;
        }

        if (oldSteps > args.Steps)
        {
            // Steps cut off the end leave the score whole: nothing proposed them in the new trace.
            for (var t = args.Steps; t < oldSteps; t++)
            {
                var gone = subs[t];
                score -= gone.Score;
                weight -= gone.Score;
                if (!gone.Choices.IsEmpty) discard = discard.SetSubmap(t, gone.Choices);
            }
            subs = subs.RemoveRange(args.Steps, oldSteps - args.Steps);
            states = states.RemoveRange(args.Steps, oldSteps - args.Steps);
        }

        return new(new UnfoldTrace<TState, TParams>(this, args, subs, states, score), weight, discard);
    }

    /// <inheritdoc />
    public RegenerateResult<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Regenerate(
        ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, (int Steps, TState Init, TParams Params) args,
        Selection selection, Rng rng)
    {
        var old = Own(trace);
        CheckSteps(args.Steps);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);

        var oldSteps = old.SubTraces.Count;
        var common = Math.Min(oldSteps, args.Steps);
        var paramsChanged = !CombinatorChecks.Same(old.Args.Params, args.Params);
        var subs = old.SubTraces;
        var states = old.States;
        var score = old.Score;
        double weight = 0;

        var state = args.Init;
        if (!selection.IsNone || paramsChanged || !CombinatorChecks.Same(old.Args.Init, args.Init))
        {
            for (var t = 0; t < common; t++)
            {
                var prev = subs[t];
                var sub = selection.Sub(t);
                if (sub.IsNone && !paramsChanged && CombinatorChecks.Same(prev.Args.State, state))
                {
                    state = states[t];
                    continue;
                }
                Visit();
                var (tr, w) = Kernel.Regenerate(prev, (t, state, args.Params), sub, rng);
                subs = subs.SetItem(t, tr);
                state = tr.Return;
                states = states.SetItem(t, state);
                score += tr.Score - prev.Score;
                weight += w;
            }
        }

        state = common == 0 ? args.Init : states[common - 1];
        for (var t = common; t < args.Steps; t++)
        {
            Visit();
            var (tr, w) = Kernel.Generate((t, state, args.Params), ChoiceMap.Empty, rng);
            subs = subs.Add(tr);
            state = tr.Return;
            states = states.Add(state);
            score += tr.Score;
            weight += w;
        }

        if (oldSteps > args.Steps)
        {
            // A removed step's choices are their own reverse proposal; only its observations and factors
            // (Project with no selection) stay in the ratio.
            for (var t = args.Steps; t < oldSteps; t++)
            {
                var gone = subs[t];
                score -= gone.Score;
                Visit();
                weight -= Kernel.Project(gone, Selection.None);
            }
            subs = subs.RemoveRange(args.Steps, oldSteps - args.Steps);
            states = states.RemoveRange(args.Steps, oldSteps - args.Steps);
        }

        return new(new UnfoldTrace<TState, TParams>(this, args, subs, states, score), weight);
    }

    /// <inheritdoc />
    public double Project(ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        double total = 0;
        for (var s = 0; s < t.SubTraces.Count; s++)
        {
            Visit();
            total += Kernel.Project(t.SubTraces[s], selection.Sub(s));
        }
        return total;
    }

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => Project(Own(trace), selection);

    /// <summary>
    /// Gradients of log p(t; x) with respect to the selected continuous choices. Each step's kernel gives
    /// the gradient with its input state held fixed; a <see cref="double"/> choice also moves the state
    /// the step returns, and through it later steps' densities, a term the kernel interface cannot
    /// report (it has no gradient with respect to arguments). That term is added by a central
    /// difference of the later steps' Assess, which stops at the first step whose input state is
    /// unchanged. For <c>double[]</c> and tensor choices only the within-step gradient is returned.
    /// </summary>
    public ChoiceMap ChoiceGradients(ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        var result = ChoiceMap.Empty;
        for (var s = 0; s < t.SubTraces.Count; s++)
        {
            var sub = selection.Sub(s);
            if (sub.IsNone) continue;
            Visit();
            var g = Kernel.ChoiceGradients(t.SubTraces[s], sub);
            if (s + 1 < t.SubTraces.Count)
            {
                foreach (var (a, value) in g.Leaves)
                    if (value is double within && t.SubTraces[s].Choices.TryGetValue(a, out var v) && v is double x)
                        g = g.Set(a, within + NumericDerivative.AtChoice(u => LaterStepsScore(t, s, a, u), x, new Address(s) / a));
            }
            if (!g.IsEmpty) result = result.SetSubmap(s, g);
        }
        return result;
    }

    /// <summary>
    /// Σ over steps after <paramref name="step"/> of their log density, minus their recorded scores, when
    /// the choice at <paramref name="address"/> of that step takes <paramref name="value"/>.
    /// </summary>
    private double LaterStepsScore(UnfoldTrace<TState, TParams> t, int step, Address address, double value)
    {
        var sub = t.SubTraces[step];
        Visit();
        var state = Kernel.Assess(sub.Args, sub.Choices.Set(address, value)).Return;
        double total = 0;
        for (var s = step + 1; s < t.SubTraces.Count; s++)
        {
            var next = t.SubTraces[s];
            if (CombinatorChecks.Same(state, next.Args.State)) break;
            Visit();
            var r = Kernel.Assess((s, state, t.Args.Params), next.Choices);
            total += r.Weight - next.Score;
            state = r.Return;
        }
        return total;
    }

    /// <inheritdoc />
    public void AccumulateParameterGradients(ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> trace, double scale)
    {
        var t = Own(trace);
        foreach (var sub in t.SubTraces)
        {
            Visit();
            Kernel.AccumulateParameterGradients(sub, scale);
        }
    }

    private (ITrace<(int T, TState State, TParams Params), TState> Trace, double Weight) GenerateStep(int t, TState state, TParams parameters,
        ChoiceMap constraints, Rng rng)
    {
        Visit();
        var kernelArgs = (t, state, parameters);
        try
        {
            var (tr, w) = Kernel.Generate(kernelArgs, constraints, rng);
            return (tr, w);
        }
        catch (UnvisitedConstraintsException e)
        {
            throw CombinatorChecks.Prefixed(Name, t, e, g => Kernel.Simulate(kernelArgs, g).Choices);
        }
    }

    private static void CheckSteps(int steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "The number of steps of an Unfold must be non-negative.");
    }

    private UnfoldTrace<TState, TParams> Own(ITrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace as UnfoldTrace<TState, TParams> is { } t && ReferenceEquals(t.Unfold, this)
            ? t
            : throw CombinatorChecks.Foreign("Unfold", Name, trace);
    }

    /// <inheritdoc />
    public override string ToString() => $"Unfold {Name}";
}
