namespace Ppl.Inference.Mcmc;

/// <summary>
/// Metropolis–Hastings with a custom proposal generative function q(·; t, …) whose choices use the
/// model's addresses (Gen's <c>mh(trace, proposal, args)</c>): propose choices c ~ q(·; t), update the
/// trace to them, and accept with log α = (update weight) − log q(c; t) + log q(discard; t′), the
/// reverse proposal being assessed on the values the move overwrote.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
/// <typeparam name="TPArgs">The proposal's arguments.</typeparam>
/// <typeparam name="TPRet">The proposal's return type.</typeparam>
/// <param name="Proposal">The proposal; it must be able to propose the discarded values back.</param>
/// <param name="ProposalArgs">The proposal's arguments, computed from the current trace.</param>
public sealed record CustomProposalMh<TArgs, TRet, TPArgs, TPRet>(
    IGenerativeFunction<TPArgs, TPRet> Proposal,
    Func<ITrace<TArgs, TRet>, TPArgs> ProposalArgs) : IKernel<TraceState<TArgs, TRet>>
{
    /// <inheritdoc />
    public TraceState<TArgs, TRet> Step(TraceState<TArgs, TRet> state, Rng rng)
    {
        var t = state.Trace;
        var (forward, logQForward, _) = Proposal.Propose(ProposalArgs(t), rng);
        var (proposed, weight, discard) = t.GenerativeFunction.Update(t, t.Args, forward, rng);
        var logQBackward = Proposal.Assess(ProposalArgs(proposed), discard).Weight;
        return Accept.Decide(state, proposed, weight - logQForward + logQBackward, rng);
    }
}
