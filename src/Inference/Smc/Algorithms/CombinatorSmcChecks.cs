namespace Ppl.Inference.Smc;

/// <summary>The argument checks the combinator SMC front ends share, so that each names itself and the bad value the same way.</summary>
internal static class CombinatorSmcChecks
{
    /// <summary>Throws unless there is one non-null observation map per step.</summary>
    /// <param name="observations">One map per step.</param>
    /// <param name="who">The entry point, for the message.</param>
    /// <param name="model">The model's name.</param>
    /// <param name="stepKind">What a step is called (<c>step</c>, <c>item</c>).</param>
    public static void Observations(IReadOnlyList<ChoiceMap>? observations, string who, string model, string stepKind)
    {
        ArgumentNullException.ThrowIfNull(observations);
        for (var t = 0; t < observations.Count; t++)
            if (observations[t] is null)
                throw new ArgumentException($"{who} on '{model}': the observations of {stepKind} {t} are null (use ChoiceMap.Empty).", nameof(observations));
    }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming <c>particles</c> when it is below <paramref name="min"/>.</summary>
    public static void Particles(int particles, int min, string who)
    {
        if (particles < min)
            throw new ArgumentOutOfRangeException(nameof(particles), particles,
                $"{who} needs at least {min} particle{(min == 1 ? "" : "s")}{(min > 1 ? " (the reference and at least one other)" : "")}; got {particles}.");
    }
}
