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
        var addresses = kept[0].Leaves.Where(l => l.Value is double or int or bool).Select(l => l.Address).ToArray();
        var values = kept.Select(state => addresses.Select(a => state.TryGetValue(a, out var v) ? v switch
        {
            double d => d,
            int i => i,
            bool b => b ? 1.0 : 0.0,
            _ => throw new InvalidOperationException($"The {algorithm} chain's choice at '{a}' changed type to {v?.GetType().Name ?? "null"}."),
        } : throw new InvalidOperationException($"A state of the {algorithm} chain has no choice at '{a}'; a posterior over choices that come and go needs explicit quantities.")).ToArray()).ToArray();
        return new Posterior(algorithm, addresses.Select(a => a.ToString()).ToArray(), values, chains: new int[kept.Length]);
    }
}
