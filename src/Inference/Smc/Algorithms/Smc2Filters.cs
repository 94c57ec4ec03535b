namespace Ppl.Inference.Smc;

/// <summary>An SMC² inner filter, as <see cref="Smc2Loop"/> drives it.</summary>
/// <param name="Start">A fresh filter for θ, before its first step.</param>
/// <param name="Advance">The filter through step t (0-based): the same object advanced, or a new one.</param>
/// <param name="LogEvidence">The filter's log Ẑ so far (−∞ once every particle died).</param>
/// <param name="Copy">An offspring's own filter: a clone of a mutable filter, the filter itself when immutable.</param>
internal sealed record Smc2Filters<TParam, TFilter>(
    Func<TParam, Rng, TFilter> Start,
    Func<TFilter, int, Rng, TFilter> Advance,
    Func<TFilter, double> LogEvidence,
    Func<TFilter, Rng, TFilter> Copy);
