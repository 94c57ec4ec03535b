using Ppl.Inference.Mcmc;

namespace Ppl.Inference.Smc;

// Resample-move over the growing combinators: the particles are the combinator's own traces (an Unfold over its first
// t + 1 steps, a Map over its first k + 1 items), whose normalised density is exactly the partial posterior after that
// step. Any MCMC trace kernel leaves it invariant, and runs on the trace through Regenerate/Update, which touch only the
// steps the move changes and those whose input state it changes: no replay of the prefix.
public static partial class ResampleMove
{
    /// <summary>
    /// Resample-move SMC over an <see cref="Unfold{TState, TParams}"/> chain: bootstrap SMC as in
    /// <see cref="UnfoldSmc"/> (step t extends each particle by one step through <c>Update</c>), and after step t's
    /// resampling every particle is moved by <paramref name="move"/>(t), an MCMC kernel on the Unfold trace of t + 1
    /// steps (e.g. <c>Kernel.Mh</c> on the last few states, <c>Selection.At(t, "x")</c>). The kernel leaves that
    /// trace's normalised density, p(x₀..xₜ | y₀..yₜ), invariant, so the weights are unchanged and Ẑ stays unbiased.
    /// </summary>
    /// <param name="model">The chain.</param>
    /// <param name="init">Its initial state.</param>
    /// <param name="parameters">Its parameters.</param>
    /// <param name="observations">Step t's observed choices, relative to the kernel (e.g. <c>y</c>); one map per step.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="move">The kernel run after step t (null for no move at that step); called once per step before the
    /// run, so a kernel's own checks (e.g. a misspelled selection) see all its particles. It may select only choices of
    /// steps 0…t, and must not select an observed one (observed Sample sites are choices of the trace: a whole step,
    /// <c>Selection.Prefix(t)</c>, includes them). Kernel-private state (a gradient kernel's adapted step size) is not kept between steps. Particles
    /// are moved in parallel, so the kernel is shared between threads (the library's kernels allow it).</param>
    /// <param name="rng">Random source (split per particle and step in a fixed order).</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N (1, the default, resamples before every move).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 1.</exception>
    /// <exception cref="ArgumentException">An observation map is null.</exception>
    public static UnfoldSmcResult<TState, TParams> Unfold<TState, TParams>(
        Unfold<TState, TParams> model, TState init, TParams parameters, IReadOnlyList<ChoiceMap> observations, int particles,
        Func<int, IKernel<TraceState<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>>?> move, Rng rng,
        IResampler? resampler = null, double essThreshold = 1, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(move);
        CombinatorSmcChecks.Observations(observations, "ResampleMove.Unfold", model.Name, "step");
        CombinatorSmcChecks.Particles(particles, 1, "ResampleMove.Unfold");
        var constraints = observations.Select((o, t) => ChoiceMap.Empty.SetSubmap(t, o)).ToArray();
        var hooks = new TraceExtensionHooks<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> { Move = Moves(move, observations.Count) };
        return UnfoldSmc.Core(model, init, parameters, observations, particles, rng, resampler, essThreshold, options,
            (trace, args, t, r) =>
            {
                var (next, w, _) = model.Update(trace, args, constraints[t], r);
                return (next, w);
            }, "particle", hooks);
    }

    /// <summary>
    /// Resample-move SMC over a <see cref="Map{TItem, TOut}"/> plate, item by item as in <see cref="MapSmc"/>: after item
    /// k's resampling every particle (a Map trace over items 0…k) is moved by <paramref name="move"/>(k), an MCMC kernel
    /// leaving that trace's normalised density invariant (e.g. <c>Kernel.Mh</c> on <c>Selection.At(new Address(k, "x"))</c>).
    /// The items are independent given their arguments, so a move on item j ≤ k runs only item j's kernel.
    /// </summary>
    /// <param name="model">The plate.</param>
    /// <param name="items">Its items' arguments, in the order the filter visits them.</param>
    /// <param name="observations">Item k's observed choices, relative to the kernel; exactly one map per item.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="move">The kernel run after item k (null for no move then); called once per item before the run.
    /// It may select only choices of items 0…k, and must not select an observed one: observations given as values of
    /// Sample sites are choices of the trace, and moving them moves the target off the posterior (a whole item,
    /// <c>Selection.Prefix(k)</c>, includes them).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="resampler">Resampling scheme (systematic by default).</param>
    /// <param name="essThreshold">Resample when ESS &lt; threshold · N (1, the default, resamples before every move).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    /// <exception cref="ArgumentException">The counts of items and observations differ, or an observation map is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="particles"/> is below 1.</exception>
    public static MapSmcResult<TItem, TOut> Map<TItem, TOut>(
        Map<TItem, TOut> model, IReadOnlyList<TItem> items, IReadOnlyList<ChoiceMap> observations, int particles,
        Func<int, IKernel<TraceState<IReadOnlyList<TItem>, IReadOnlyList<TOut>>>?> move, Rng rng,
        IResampler? resampler = null, double essThreshold = 1, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(move);
        var hooks = new TraceExtensionHooks<IReadOnlyList<TItem>, IReadOnlyList<TOut>> { Move = Moves(move, observations?.Count ?? 0) };
        return MapSmc.Core(model, items, observations!, particles, rng, resampler, essThreshold, options, "ResampleMove.Map", hooks);
    }

    /// <summary>The per-step kernels as the loop's move hook: each kernel made once, each particle moved from a fresh state.</summary>
    private static Func<ITrace<TArgs, TRet>, int, Rng, ITrace<TArgs, TRet>> Moves<TArgs, TRet>(
        Func<int, IKernel<TraceState<TArgs, TRet>>?> move, int steps)
    {
        var kernels = Enumerable.Range(0, steps).Select(move).ToArray();
        return (trace, t, rng) => kernels[t] is { } kernel ? kernel.Step(new TraceState<TArgs, TRet>(trace), rng).Trace : trace;
    }
}
