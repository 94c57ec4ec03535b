using System.Collections.Immutable;

namespace Ppl;

/// <summary>
/// An iid plate: applies a kernel generative function to every item of a list, the call for item i
/// living at address <c>i</c> (its choices under <c>i/…</c>). The items' scores add up.
/// <para>
/// Update and Regenerate only run the kernel on items whose constraints or selection are non-empty or
/// whose argument changed (by <see cref="EqualityComparer{T}.Default"/> or reference); a longer list
/// generates the new items and a shorter one discards the removed items, whose scores leave the total.
/// </para>
/// <para>
/// A trace keeps the argument list it was given, and an update with the very same list object skips
/// the item comparisons; so do not mutate a list after passing it: pass a new one. <see cref="Extend"/>
/// appends one item without comparing the others (the trace's list becomes a persistent one).
/// </para>
/// </summary>
/// <typeparam name="TItem">The kernel's argument, one per item.</typeparam>
/// <typeparam name="TOut">The kernel's return value.</typeparam>
public sealed class Map<TItem, TOut> : IGenerativeFunction<IReadOnlyList<TItem>, IReadOnlyList<TOut>>
{
    /// <summary>Creates a plate over <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The generative function applied to each item.</param>
    /// <param name="name">A name for messages; defaults to <c>Map(kernel)</c>.</param>
    public Map(IGenerativeFunction<TItem, TOut> kernel, string? name = null)
    {
        Kernel = kernel ?? throw new ArgumentNullException(nameof(kernel));
        Name = name ?? $"Map({kernel.Name})";
    }

    /// <summary>The generative function applied to each item.</summary>
    public IGenerativeFunction<TItem, TOut> Kernel { get; }

    /// <inheritdoc />
    public string Name { get; }

    /// <summary>The kernel's parameters: the plate adds none of its own.</summary>
    public ParameterStore Parameters => Kernel.Parameters;

    /// <inheritdoc />
    public ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Simulate(IReadOnlyList<TItem> args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(rng);
        var subs = ImmutableList.CreateBuilder<ITrace<TItem, TOut>>();
        var rets = ImmutableList.CreateBuilder<TOut>();
        double score = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var tr = Kernel.Simulate(args[i], rng);
            subs.Add(tr);
            rets.Add(tr.Return);
            score += tr.Score;
        }
        return new MapTrace<TItem, TOut>(this, args, subs.ToImmutable(), rets.ToImmutable(), score);
    }

    /// <inheritdoc />
    public GenerateResult<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Generate(IReadOnlyList<TItem> args, ChoiceMap constraints, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        CombinatorChecks.CheckIndexed(Name, constraints, args.Count);
        var subs = ImmutableList.CreateBuilder<ITrace<TItem, TOut>>();
        var rets = ImmutableList.CreateBuilder<TOut>();
        double score = 0, weight = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var (tr, w) = GenerateItem(i, args[i], constraints.GetSubmap(i), rng);
            subs.Add(tr);
            rets.Add(tr.Return);
            score += tr.Score;
            weight += w;
        }
        return new(new MapTrace<TItem, TOut>(this, args, subs.ToImmutable(), rets.ToImmutable(), score), weight);
    }

    /// <inheritdoc />
    public AssessResult<IReadOnlyList<TOut>> Assess(IReadOnlyList<TItem> args, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(choices);
        CombinatorChecks.CheckIndexed(Name, choices, args.Count);
        var rets = new TOut[args.Count];
        double weight = 0;
        for (var i = 0; i < args.Count; i++)
        {
            AssessResult<TOut> r;
            try
            {
                r = Kernel.Assess(args[i], choices.GetSubmap(i));
            }
            catch (UnvisitedConstraintsException e)
            {
                var item = args[i];
                throw CombinatorChecks.Prefixed(Name, i, e, g => Kernel.Simulate(item, g).Choices);
            }
            weight += r.Weight;
            rets[i] = r.Return;
        }
        return new(weight, rets);
    }

    /// <inheritdoc />
    public ProposeResult<IReadOnlyList<TOut>> Propose(IReadOnlyList<TItem> args, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(rng);
        var choices = new ChoiceMap[args.Count];
        var rets = new TOut[args.Count];
        double weight = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var (c, w, r) = Kernel.Propose(args[i], rng);
            choices[i] = c;
            rets[i] = r;
            weight += w;
        }
        return new(new IndexedChoiceMap(choices.Length, i => choices[i]), weight, rets);
    }

    /// <inheritdoc />
    public UpdateResult<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Update(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace,
        IReadOnlyList<TItem> args, ChoiceMap constraints, Rng rng)
    {
        var old = Own(trace);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var constrained = CombinatorChecks.CheckIndexed(Name, constraints, args.Count,
            j => j < old.SubTraces.Count ? old.SubTraces[j].Choices : ChoiceMap.Empty);

        var oldCount = old.SubTraces.Count;
        var common = Math.Min(oldCount, args.Count);
        var subs = old.SubTraces;
        var rets = old.Returns;
        var score = old.Score;
        double weight = 0;
        var discard = ChoiceMap.Empty;

        foreach (var i in ItemsToRevisit(old.Args, args, common, constrained))
        {
            var prev = subs[i];
            ITrace<TItem, TOut> tr;
            double w;
            ChoiceMap d;
            try
            {
                (tr, w, d) = Kernel.Update(prev, args[i], constraints.GetSubmap(i), rng);
            }
            catch (UnvisitedConstraintsException e)
            {
                var item = args[i];
                throw CombinatorChecks.Prefixed(Name, i, e, g => Kernel.Simulate(item, g).Choices);
            }
            subs = subs.SetItem(i, tr);
            rets = rets.SetItem(i, tr.Return);
            score += tr.Score - prev.Score;
            weight += w;
            if (!d.IsEmpty) discard = discard.SetSubmap(i, d);
        }

        for (var i = common; i < args.Count; i++)
        {
            var (tr, w) = GenerateItem(i, args[i], constraints.GetSubmap(i), rng);
            subs = subs.Add(tr);
            rets = rets.Add(tr.Return);
            score += tr.Score;
            weight += w;
        }

        if (oldCount > args.Count)
        {
            // Removed items leave the score whole: nothing proposed them in the new trace.
            for (var i = args.Count; i < oldCount; i++)
            {
                var gone = subs[i];
                score -= gone.Score;
                weight -= gone.Score;
                if (!gone.Choices.IsEmpty) discard = discard.SetSubmap(i, gone.Choices);
            }
            subs = subs.RemoveRange(args.Count, oldCount - args.Count);
            rets = rets.RemoveRange(args.Count, oldCount - args.Count);
        }

        return new(new MapTrace<TItem, TOut>(this, args, subs, rets, score), weight, discard);
    }

    /// <summary>
    /// Appends one item to a trace: the same result as <see cref="Update"/> with the trace's list plus
    /// <paramref name="item"/> and <paramref name="constraints"/> at the new index, without comparing the
    /// existing items (the list is extended, never changed). The kernel runs once, on the new item only, and
    /// the list work is O(log n), which sequential inference over a plate (<c>MapSmc</c>) needs.
    /// </summary>
    /// <param name="trace">A trace of this Map over n items.</param>
    /// <param name="item">Item n's argument.</param>
    /// <param name="constraints">Item n's constraints, relative to the kernel (e.g. <c>y</c>, not <c>n/y</c>).</param>
    /// <param name="rng">Random source for the new item's unconstrained choices.</param>
    /// <returns>
    /// The trace over n + 1 items (its argument list a new persistent list, not the one the trace was given),
    /// the weight (item n's generate weight: the log density of its constrained choices) and an empty discard.
    /// </returns>
    public UpdateResult<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Extend(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace,
        TItem item, ChoiceMap constraints, Rng rng)
    {
        var old = Own(trace);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(rng);
        var index = old.SubTraces.Count;
        var (tr, w) = GenerateItem(index, item, constraints, rng);
        // A trace made by Extend keeps a persistent list, so a run of extensions shares it: O(log n) per item.
        var args = old.Args as ImmutableList<TItem> ?? ImmutableList.CreateRange(old.Args);
        return new(new MapTrace<TItem, TOut>(this, args.Add(item), old.SubTraces.Add(tr), old.Returns.Add(tr.Return), old.Score + tr.Score),
            w, ChoiceMap.Empty);
    }

    /// <inheritdoc />
    public RegenerateResult<IReadOnlyList<TItem>, IReadOnlyList<TOut>> Regenerate(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace,
        IReadOnlyList<TItem> args, Selection selection, Rng rng)
    {
        var old = Own(trace);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(rng);

        var oldCount = old.SubTraces.Count;
        var common = Math.Min(oldCount, args.Count);
        var subs = old.SubTraces;
        var rets = old.Returns;
        var score = old.Score;
        double weight = 0;
        var sameArgs = ReferenceEquals(old.Args, args);

        if (!selection.IsNone || !sameArgs)
        {
            for (var i = 0; i < common; i++)
            {
                var sub = selection.Sub(i);
                if (sub.IsNone && (sameArgs || CombinatorChecks.Same(old.Args[i], args[i]))) continue;
                var prev = subs[i];
                var (tr, w) = Kernel.Regenerate(prev, args[i], sub, rng);
                subs = subs.SetItem(i, tr);
                rets = rets.SetItem(i, tr.Return);
                score += tr.Score - prev.Score;
                weight += w;
            }
        }

        for (var i = common; i < args.Count; i++)
        {
            var (tr, w) = Kernel.Generate(args[i], ChoiceMap.Empty, rng);
            subs = subs.Add(tr);
            rets = rets.Add(tr.Return);
            score += tr.Score;
            weight += w;
        }

        if (oldCount > args.Count)
        {
            // A removed item's choices are their own reverse proposal; only its observations and factors
            // (Project with no selection) stay in the ratio.
            for (var i = args.Count; i < oldCount; i++)
            {
                var gone = subs[i];
                score -= gone.Score;
                weight -= Kernel.Project(gone, Selection.None);
            }
            subs = subs.RemoveRange(args.Count, oldCount - args.Count);
            rets = rets.RemoveRange(args.Count, oldCount - args.Count);
        }

        return new(new MapTrace<TItem, TOut>(this, args, subs, rets, score), weight);
    }

    /// <inheritdoc />
    public double Project(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        double total = 0;
        for (var i = 0; i < t.SubTraces.Count; i++) total += Kernel.Project(t.SubTraces[i], selection.Sub(i));
        return total;
    }

    /// <inheritdoc />
    public double Project(ITrace trace, Selection selection) => Project(Own(trace), selection);

    /// <inheritdoc />
    public ChoiceMap ChoiceGradients(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace, Selection selection)
    {
        var t = Own(trace);
        ArgumentNullException.ThrowIfNull(selection);
        var result = ChoiceMap.Empty;
        for (var i = 0; i < t.SubTraces.Count; i++)
        {
            var sub = selection.Sub(i);
            if (sub.IsNone) continue;
            var g = Kernel.ChoiceGradients(t.SubTraces[i], sub);
            if (!g.IsEmpty) result = result.SetSubmap(i, g);
        }
        return result;
    }

    /// <inheritdoc />
    public void AccumulateParameterGradients(ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>> trace, double scale)
    {
        var t = Own(trace);
        foreach (var sub in t.SubTraces) Kernel.AccumulateParameterGradients(sub, scale);
    }

    /// <summary>Indices below <paramref name="common"/> whose constraints are non-empty or whose item changed, in order.</summary>
    private static IEnumerable<int> ItemsToRevisit(IReadOnlyList<TItem> oldArgs, IReadOnlyList<TItem> args, int common, List<int> constrained)
    {
        if (ReferenceEquals(oldArgs, args))
        {
            // Same list object: only constraints can send the kernel back to work, so the scan is skipped.
            foreach (var i in constrained)
                if (i < common) yield return i;
            yield break;
        }
        var k = 0;
        for (var i = 0; i < common; i++)
        {
            while (k < constrained.Count && constrained[k] < i) k++;
            var isConstrained = k < constrained.Count && constrained[k] == i;
            if (isConstrained || !CombinatorChecks.Same(oldArgs[i], args[i])) yield return i;
        }
    }

    private (ITrace<TItem, TOut> Trace, double Weight) GenerateItem(int i, TItem item, ChoiceMap constraints, Rng rng)
    {
        try
        {
            var (tr, w) = Kernel.Generate(item, constraints, rng);
            return (tr, w);
        }
        catch (UnvisitedConstraintsException e)
        {
            throw CombinatorChecks.Prefixed(Name, i, e, g => Kernel.Simulate(item, g).Choices);
        }
    }

    private MapTrace<TItem, TOut> Own(ITrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace as MapTrace<TItem, TOut> is { } t && ReferenceEquals(t.Map, this)
            ? t
            : throw CombinatorChecks.Foreign("Map", Name, trace);
    }

    /// <inheritdoc />
    public override string ToString() => $"Map {Name}";
}
