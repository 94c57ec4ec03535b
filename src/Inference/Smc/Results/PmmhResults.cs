namespace Ppl.Inference.Smc;

/// <summary>Conversions of PMMH chains to the one result type.</summary>
public static class PmmhResults
{
    /// <summary>
    /// A PMMH chain over θ given as choices (<see cref="Pmmh.Model{TArgs, TRet}"/>) as a one-chain <see cref="Posterior"/>
    /// of its scalar parameters, dropping the first <paramref name="warmup"/> states.
    /// </summary>
    public static Posterior ToPosterior(this PmmhResult<ChoiceMap> result, int warmup = 0)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (warmup < 0 || warmup >= result.Chain.Count)
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, $"The warm-up must leave at least one of the chain's {result.Chain.Count} states.");
        var kept = result.Chain.Skip(warmup).ToArray();
        var addresses = kept[0].Leaves.Where(l => l.Value is double or int or bool).Select(l => l.Address).ToArray();
        var values = kept.Select(theta => addresses.Select(a => theta[a] switch
        {
            double d => d,
            int i => i,
            bool b => b ? 1.0 : 0.0,
            var v => throw new InvalidOperationException($"PMMH's parameter at '{a}' changed type to {v?.GetType().Name ?? "null"}."),
        }).ToArray()).ToArray();
        return new Posterior("PMMH", addresses.Select(a => a.ToString()).ToArray(), values, chains: new int[kept.Length]);
    }
}
