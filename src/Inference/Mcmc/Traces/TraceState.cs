using System.Collections.Immutable;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The immutable state of a chain over traces: the current trace, the private state of kernels that
/// keep one between steps (e.g. the step size a gradient kernel adapts; keyed by kernel instance), and
/// the statistics of the last transition.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="Trace">The current trace.</param>
/// <param name="KernelStates">Per-kernel private state.</param>
/// <param name="Stats">Statistics of the last transition.</param>
public sealed record TraceState<TArgs, TRet>(
    ITrace<TArgs, TRet> Trace,
    ImmutableDictionary<object, object> KernelStates,
    TransitionStats Stats)
{
    /// <summary>A state at <paramref name="trace"/> with no kernel state yet.</summary>
    public TraceState(ITrace<TArgs, TRet> trace)
        : this(trace, ImmutableDictionary<object, object>.Empty.WithComparers(ReferenceEqualityComparer.Instance), default)
    {
    }
}
