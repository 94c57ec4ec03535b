namespace Ppl.Inference.Smc;

/// <summary>
/// A θ-particle of <see cref="Smc2.Unfold{TState, TParams}"/>: θ, the stepper of the chain at θ, the inner population, and
/// how many steps it has taken. Immutable, so resampled θ-particles share it.
/// </summary>
internal sealed record UnfoldInnerFilter<TState, TParams>(
    TParams Theta,
    TraceExtensionStepper<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>> Stepper,
    Population<ITrace<(int Steps, TState Init, TParams Params), IReadOnlyList<TState>>> Population,
    int Time)
{
    /// <summary>log Ẑ(θ) of the observations up to <see cref="Time"/>: unbiased for p(y | θ) on the natural scale (−∞ once every particle died).</summary>
    public double LogEvidence => Population.LogEvidence;

    /// <summary>The filter after step t; a filter whose particles all die there has log Ẑ = −∞ (its θ has likelihood zero), not an error.</summary>
    public UnfoldInnerFilter<TState, TParams> Advance(int t, Rng rng)
    {
        if (double.IsNegativeInfinity(LogEvidence)) return this;
        try
        {
            return this with { Population = Stepper.Step(Population, t, rng).Population, Time = t + 1 };
        }
        catch (InferenceException)
        {
            return this with { Population = Population.WithLogWeights(Enumerable.Repeat(double.NegativeInfinity, Population.Count).ToArray()), Time = t + 1 };
        }
    }
}
