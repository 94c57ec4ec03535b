namespace Ppl.Inference.Smc;

/// <summary>
/// SMC over an iid plate written with the <see cref="Map{TItem, TOut}"/> combinator: the k-th intermediate target
/// is the Map over its first k items with their observations, so each particle is a Map trace over a prefix of the
/// items and step k extends it by item k through <see cref="Map{TItem, TOut}.Extend"/> (the kernel runs once per
/// particle per item, O(log K) list work: O(K) per run). The extension's weight is exactly item k's incremental
/// weight (its generate weight, the density of its observations given the particle's draws), so the population's
/// weight sum is an unbiased estimate of the Map's evidence (papers.md 1.4). The loop is the one
/// <see cref="UnfoldSmc"/> runs.
/// <para>
/// A Map's items are independent given their arguments, so this is importance sampling item by item with
/// resampling between items: the estimate factors over the items, and resampling after every item
/// (<c>essThreshold: 1</c>) gives the product of per-item averages. A <see cref="Switch{TArgs, TRet}"/> kernel, or a kernel that calls one, runs through the Map like any
/// other kernel: its branch is fixed by its arguments, so there is nothing further to sequence within it.
/// </para>
/// </summary>
public static class MapSmc
{
    /// <summary>Runs SMC item by item with ESS-triggered resampling.</summary>
    /// <param name="model">The plate.</param>
    /// <param name="items">Its items' arguments, in the order the filter visits them.</param>
    /// <param name="observations">Item k's observed choices, relative to the kernel (e.g. <c>y</c>); exactly one map per item (empty for an unobserved item).</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source (split per particle and item in a fixed order).</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N (1 resamples after every item, 0 never).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <exception cref="ArgumentException">The counts of items and observations differ, or an observation map is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 1.</exception>
    /// <exception cref="UnvisitedConstraintsException">An item's observations name a choice its kernel does not make (named with the item's index).</exception>
    /// <exception cref="InferenceException">Every particle has zero weight after some item.</exception>
    public static MapSmcResult<TItem, TOut> Run<TItem, TOut>(
        Map<TItem, TOut> model, IReadOnlyList<TItem> items, IReadOnlyList<ChoiceMap> observations,
        int particles, Rng rng, IResampler? resampler = null, double essThreshold = 0.5, RunOptions? options = null)
        => Core(model, items, observations, particles, rng, resampler, essThreshold, options, "MapSmc", null);

    /// <summary>
    /// The Map front end of the shared loop (<see cref="TraceExtensionSmc"/>), used by every Map SMC: checks the inputs
    /// (naming <paramref name="who"/>), starts from the empty Map and extends item by item, with the loop's hooks.
    /// </summary>
    internal static MapSmcResult<TItem, TOut> Core<TItem, TOut>(
        Map<TItem, TOut> model, IReadOnlyList<TItem> items, IReadOnlyList<ChoiceMap> observations,
        int particles, Rng rng, IResampler? resampler, double essThreshold, RunOptions? options, string who,
        TraceExtensionHooks<IReadOnlyList<TItem>, IReadOnlyList<TOut>>? hooks, int minParticles = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(rng);
        if (items.Count != observations.Count)
            throw new ArgumentException(
                $"{who} on '{model.Name}' needs one observation map per item: {items.Count} items but {observations.Count} observation maps " +
                "(give ChoiceMap.Empty for an unobserved item, or pass the observations as one choice map addressed by index).", nameof(observations));
        for (var k = 0; k < observations.Count; k++)
            if (observations[k] is null) throw new ArgumentException($"The observations of item {k} are null (use ChoiceMap.Empty).", nameof(observations));
        CombinatorSmcChecks.Particles(particles, minParticles, who);

        var start = model.Generate(Array.Empty<TItem>(), ChoiceMap.Empty, rng).Trace;
        var (population, steps) = TraceExtensionSmc.Run(start, observations, particles, rng, resampler, essThreshold, options,
            (trace, k, r) =>
            {
                var (next, w, _) = model.Extend(trace, items[k], observations[k], r);
                return (next, w);
            }, "item", "particle", hooks);
        return new MapSmcResult<TItem, TOut>(population, steps);
    }

    /// <summary>
    /// Runs SMC item by item, with the observations addressed as the Map addresses them (item k's under <c>k/…</c>,
    /// the map that <see cref="Map{TItem, TOut}.Generate"/> would take); item k's observations are its submap at k.
    /// </summary>
    /// <param name="model">The plate.</param>
    /// <param name="items">Its items' arguments.</param>
    /// <param name="observations">The observed choices of the whole plate, each under its item's index.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N.</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <exception cref="ArgumentException">An observation lies outside the item indices 0…K−1 (named by its address).</exception>
    public static MapSmcResult<TItem, TOut> Run<TItem, TOut>(
        Map<TItem, TOut> model, IReadOnlyList<TItem> items, ChoiceMap observations,
        int particles, Rng rng, IResampler? resampler = null, double essThreshold = 0.5, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.HasValue)
            throw new ArgumentException($"The observations of '{model.Name}' hold a value at the root; a Map's choices are addressed by item index (0/…).", nameof(observations));
        foreach (var (segment, sub) in observations.Submaps)
        {
            if (sub.IsEmpty || (!segment.IsName && segment.Index >= 0 && segment.Index < items.Count)) continue;
            var address = sub.Leaves.Select(l => new Address(segment) / l.Address).FirstOrDefault();
            throw new ArgumentException(
                $"The observation at '{address}' lies outside the items of '{model.Name}': its {items.Count} items are addressed " +
                (items.Count == 0 ? "by no index." : $"0/… to {items.Count - 1}/…."), nameof(observations));
        }
        var perItem = new ChoiceMap[items.Count];
        for (var k = 0; k < perItem.Length; k++) perItem[k] = observations.GetSubmap(k);
        return Run(model, items, perItem, particles, rng, resampler, essThreshold, options);
    }
}

/// <summary>The outcome of <see cref="MapSmc"/>: the final weighted Map traces and the per-item record.</summary>
/// <param name="Population">Weighted Map traces over all the items; their weight sum is the evidence estimate.</param>
/// <param name="Steps">ESS, resampling and running log evidence after each item.</param>
public sealed record MapSmcResult<TItem, TOut>(
    Population<ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>>> Population,
    IReadOnlyList<SmcStep> Steps)
{
    /// <summary>log Ẑ: unbiased for Z on the natural scale, for any particle count.</summary>
    public double LogEvidence => Population.LogEvidence;
}
