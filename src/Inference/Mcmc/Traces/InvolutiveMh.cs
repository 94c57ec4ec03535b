namespace Ppl.Inference.Mcmc;

/// <summary>
/// What an involution returns for a trace t and auxiliary choices u: the model choices of t′ that differ
/// from t (<see cref="Constraints"/>; choices t′ no longer visits are dropped by <c>Update</c>), the
/// auxiliary choices u′ that take t′ back to t, and log |det ∂(t′, u′)/∂(t, u)| over the continuous
/// coordinates the move transforms.
/// </summary>
/// <param name="Constraints">The new values of the model choices that change.</param>
/// <param name="BackwardAux">The auxiliary choices of the reverse move.</param>
/// <param name="LogAbsDetJacobian">log |Jacobian determinant| of the map (0 for discrete or volume-preserving moves).</param>
public readonly record struct InvolutionResult(ChoiceMap Constraints, ChoiceMap BackwardAux, double LogAbsDetJacobian);

/// <summary>
/// A deterministic involution h(t, u) = (t′, u′) on model and auxiliary choices (h∘h = id). It returns
/// null where (t, u) lies outside the set on which the move is defined (the kernel then stays put, which
/// is h = id there).
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <param name="trace">The current trace t.</param>
/// <param name="forwardAux">The auxiliary choices u drawn from the auxiliary proposal at t.</param>
public delegate InvolutionResult? Involution<TArgs, TRet>(ITrace<TArgs, TRet> trace, ChoiceMap forwardAux);

/// <summary>
/// Involutive MCMC (Cusumano-Towner, Lew and Mansinghka 2020; reversible jump as a special case), for
/// moves that change which choices a trace has, e.g. birth/death or split/merge: draw u ~ q(·; t), map
/// (t, u) to (t′, u′) by the involution, and accept with
/// log α = log p(t′) − log p(t) + log q(u′; t′) − log q(u; t) + log |det J|.
/// The model's <c>Update</c> gives log p(t′) − log p(t) (the involution must constrain every choice t′
/// adds, so that nothing is drawn fresh); the auxiliary generative function gives both q terms.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <typeparam name="TAArgs">The auxiliary proposal's arguments.</typeparam>
/// <typeparam name="TARet">The auxiliary proposal's return type.</typeparam>
/// <param name="Auxiliary">The auxiliary proposal q(u; t).</param>
/// <param name="AuxiliaryArgs">The auxiliary proposal's arguments computed from a trace (for t and for t′).</param>
/// <param name="Involution">The involution.</param>
public sealed record InvolutiveMh<TArgs, TRet, TAArgs, TARet>(
    IGenerativeFunction<TAArgs, TARet> Auxiliary,
    Func<ITrace<TArgs, TRet>, TAArgs> AuxiliaryArgs,
    Involution<TArgs, TRet> Involution) : IKernel<TraceState<TArgs, TRet>>
{
    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var t = state.Trace;
        var (u, logQForward, _) = Auxiliary.Propose(AuxiliaryArgs(t), rng);
        if (Involution(t, u) is not { } h)
            return state with { Stats = new TransitionStats(0, double.NaN, 0, 0, false, double.NaN, false) };
        var (proposed, weight, _) = t.GenerativeFunction.Update(t, t.Args, h.Constraints, rng);
        var logQBackward = Auxiliary.Assess(AuxiliaryArgs(proposed), h.BackwardAux).Weight;
        return Accept.Decide(state, proposed, weight + logQBackward - logQForward + h.LogAbsDetJacobian, rng);
    }
}
