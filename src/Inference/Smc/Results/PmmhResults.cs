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
        return ChoiceChain.ToPosterior("PMMH", result.Chain, warmup);
    }
}
