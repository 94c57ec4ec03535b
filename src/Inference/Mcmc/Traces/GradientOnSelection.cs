namespace Ppl.Inference.Mcmc;

/// <summary>
/// A gradient kernel (HMC, MALA, NUTS) restricted to the selected continuous choices of a trace, the
/// other choices held fixed: each step builds the conditional density of the selected choices in
/// unconstrained space (a generated model's <see cref="ModelDensity{TArgs}"/>, exact gradients; a dynamic
/// model's <see cref="GenerativeFunctionDensity{TArgs, TRet}"/>, finite differences), takes one step of the
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
    private readonly SelectionWatch _watch = new(Selection, "Kernel.On");

    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        // A misspelled address would otherwise leave those choices unmoved; a selection that selects nothing of this
        // trace cannot even start, so it is named at once.
        if (!state.KernelStates.ContainsKey(this) && !state.Trace.Choices.Leaves.Any(l => Selection.Contains(l.Address)))
            SelectionCheck.Require([state.Trace], Selection, "Kernel.On");
        _watch.Look(state.Trace);
        var (density, u, apply) = Conditional(state.Trace);
        GradientState s;
        if (state.KernelStates.TryGetValue(this, out var o) && o is GradientState prev && prev.Position.Length == u.Length)
        {
            var g = new double[u.Length];
            var logp = density.LogDensityAndGradient(u, g);
            s = prev with { Position = u, LogDensity = logp, Gradient = g };
        }
        else s = Kernel.Init(density, u, Warmup, rng);
        var next = Kernel.Step(density, s, rng);
        var trace = next.Stats.Accepted ? apply(next.Position, rng) : state.Trace;
        return state with { Trace = trace, KernelStates = state.KernelStates.SetItem(this, next), Stats = next.Stats };
    }

    /// <summary>
    /// The conditional density of the selected choices given the rest of <paramref name="trace"/>, the trace's
    /// position in it, and the move of the trace to a new position: exact gradients from a generated model's
    /// differentiable form, central differences through <c>Assess</c> for a dynamic model.
    /// </summary>
    private (IDifferentiableDensity Density, double[] Position, Func<double[], Rng, ITrace<TArgs, TRet>> Apply) Conditional(ITrace<TArgs, TRet> trace)
    {
        if (trace.GenerativeFunction is Modeling.IHasDifferentiableForm<TArgs> f)
        {
            var body = f.DifferentiableForm ?? throw new NotSupportedException(
                $"A gradient kernel on '{trace.GenerativeFunction.Name}' needs its differentiable form: {f.DifferentiableFormMissingReason} (PPL0012).");
            // Every choice is held at the trace's value; the selected continuous ones are the coordinates, starting there.
            var md = new ModelDensity<TArgs>(trace.GenerativeFunction.Name, body, trace.Args, ChoiceMap.Empty, trace.Choices, Selection);
            return (md, md.Layout.Start.ToArray(), (u, rng) =>
            {
                // Vector and matrix choices are set whole, as the trace holds them.
                var c = md.SetValues(ChoiceMap.Empty, md.Constrain(u));
                return trace.GenerativeFunction.Update(trace, trace.Args, c, rng).Trace;
            });
        }
        var density = new GenerativeFunctionDensity<TArgs, TRet>(trace, Selection);
        return (density, density.Unconstrain(trace), (u, rng) => density.Apply(trace, u, rng));
    }
}
