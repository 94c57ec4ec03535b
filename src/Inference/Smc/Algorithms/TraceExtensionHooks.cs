namespace Ppl.Inference.Smc;

/// <summary>
/// What a combinator SMC adds to <see cref="TraceExtensionSmc"/>'s loop beyond the extension. A move and a reference
/// exclude each other.
/// </summary>
/// <typeparam name="TArgs">The combinator's arguments.</typeparam>
/// <typeparam name="TRet">Its return type.</typeparam>
internal sealed record TraceExtensionHooks<TArgs, TRet>
{
    /// <summary>
    /// Resample-move: (trace after step t, t, stream) → the moved trace, by a kernel that leaves the trace's own
    /// normalised density (the partial posterior) invariant; run on every live particle after step t's resampling.
    /// </summary>
    public Func<ITrace<TArgs, TRet>, int, Rng, ITrace<TArgs, TRet>>? Move { get; init; }

    /// <summary>
    /// Conditional SMC: (particle 0's trace, t, stream) → (that trace extended by the reference's step t, the increment a
    /// bootstrap extension would have given it: the density of step t's observations and factors).
    /// </summary>
    public Func<ITrace<TArgs, TRet>, int, Rng, (ITrace<TArgs, TRet> Trace, double LogWeight)>? FollowReference { get; init; }

    /// <summary>
    /// Ancestor sampling (with a reference only): (a particle's trace of s steps, s) → log of the density of the
    /// reference's steps s, s + 1, … given that prefix, up to a constant shared by all particles (−∞ where the graft is
    /// impossible). Null: particle 0 keeps the reference's prefix.
    /// </summary>
    public Func<ITrace<TArgs, TRet>, int, double>? ReferenceRest { get; init; }
}
