namespace Ppl.Inference;

/// <summary>A chain of states given as choice maps (PMMH's θ, particle Gibbs' sweeps) as the one result type.</summary>
internal static class ChoiceChain
{
    /// <summary>
    /// The scalar choices (double, int, bool as 0/1) of the first kept state, read from every state, as a one-chain
    /// <see cref="Posterior"/>; the first <paramref name="warmup"/> states are dropped.
    /// </summary>
    public static Posterior ToPosterior(string algorithm, IReadOnlyList<ChoiceMap> chain, int warmup)
    {
        ArgumentNullException.ThrowIfNull(chain);
        if (warmup < 0 || warmup >= chain.Count)
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, $"The warm-up must leave at least one of the chain's {chain.Count} states.");
        var kept = chain.Skip(warmup).ToArray();
        var (addresses, values) = Scalars(algorithm, kept);
        return new Posterior(algorithm, addresses.Select(a => a.ToString()).ToArray(), values, chains: new int[kept.Length]);
    }

    /// <summary>
    /// Weighted states (SMC²'s θ-particles) as one weighted population: the scalar choices of the first state, read from
    /// every state, with the states' log weights and the run's log evidence.
    /// </summary>
    public static Posterior ToWeightedPosterior(string algorithm, IReadOnlyList<ChoiceMap> states, IReadOnlyList<double> logWeights, double logEvidence)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(logWeights);
        if (states.Count == 0) throw new ArgumentException($"A posterior from {algorithm} needs at least one state.", nameof(states));
        var (addresses, values) = Scalars(algorithm, states);
        return new Posterior(algorithm, addresses.Select(a => a.ToString()).ToArray(), values, logWeights, logEvidence: logEvidence);
    }

    private static (Address[] Addresses, double[][] Values) Scalars(string algorithm, IReadOnlyList<ChoiceMap> kept)
    {
        var addresses = kept[0].Leaves.Where(l => l.Value is double or int or bool).Select(l => l.Address).ToArray();
        var values = kept.Select(state => addresses.Select(a => state.TryGetValue(a, out var v) ? v switch
        {
            double d => d,
            int i => i,
            bool b => b ? 1.0 : 0.0,
            _ => throw new InvalidOperationException($"The {algorithm} chain's choice at '{a}' changed type to {v?.GetType().Name ?? "null"}."),
        } : throw new InvalidOperationException($"A state of the {algorithm} chain has no choice at '{a}'; a posterior over choices that come and go needs explicit quantities.")).ToArray()).ToArray();
        return (addresses, values);
    }
}
