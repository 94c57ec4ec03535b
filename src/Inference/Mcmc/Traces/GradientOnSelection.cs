namespace Ppl.Inference.Mcmc;

/// <summary>
/// A gradient kernel (HMC, MALA, NUTS) restricted to the selected continuous choices of a trace, the
/// other choices held fixed: each step builds the conditional density of the selected choices in
/// unconstrained space (<see cref="GenerativeFunctionDensity{TArgs, TRet}"/>), takes one step of the
/// kernel and moves the trace there. The kernel's tuning (step size, metric, warm-up over the first
/// <see cref="Warmup"/> steps) is kept in the chain state, so e.g. Gibbs on discrete choices cycled with
/// NUTS on continuous ones is one kernel.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="Selection">The choices the kernel moves.</param>
/// <param name="Kernel">The gradient kernel.</param>
/// <param name="Warmup">Steps of warm-up adaptation.</param>
public sealed record GradientOnSelection<TArgs, TRet>(Selection Selection, IGradientKernel Kernel, int Warmup) : IKernel<TraceState<TArgs, TRet>>
{
    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var density = new GenerativeFunctionDensity<TArgs, TRet>(state.Trace, Selection);
        var u = density.Unconstrain(state.Trace);
        GradientState s;
        if (state.KernelStates.TryGetValue(this, out var o) && o is GradientState prev && prev.Position.Length == u.Length)
        {
            var g = new double[u.Length];
            var logp = density.LogDensityAndGradient(u, g);
            s = prev with { Position = u, LogDensity = logp, Gradient = g };
        }
        else s = Kernel.Init(density, u, Warmup, rng);
        var next = Kernel.Step(density, s, rng);
        var trace = next.Stats.Accepted ? density.Apply(state.Trace, next.Position, rng) : state.Trace;
        return state with { Trace = trace, KernelStates = state.KernelStates.SetItem(this, next), Stats = next.Stats };
    }
}
