namespace Ppl.Inference.Mcmc;

/// <summary>
/// Where chains start. <see cref="Uniform"/> draws each unconstrained coordinate from U(−r, r), as Stan
/// does (r = 2); <see cref="Prior"/> samples the model (trace chains) or calls a sampler (vector
/// chains); <see cref="Values"/> and <see cref="Choices"/> start every chain at the user's point.
/// Starts with a non-finite log density are redrawn, up to 100 times.
/// </summary>
public abstract record InitStrategy
{
    /// <summary>Uniform in [−<paramref name="radius"/>, <paramref name="radius"/>] on each unconstrained coordinate.</summary>
    public static InitStrategy Uniform(double radius = 2) => new UniformInit(radius);

    /// <summary>A draw from the prior (trace chains), or from <paramref name="sampler"/> (vector chains, unconstrained).</summary>
    public static InitStrategy Prior(Func<Rng, double[]>? sampler = null) => new PriorInit(sampler);

    /// <summary>The given unconstrained position for every chain.</summary>
    public static InitStrategy Values(params double[] position) => new ValuesInit(position);

    /// <summary>The given choices (constraints for <c>Generate</c>, other choices from the prior) for every chain.</summary>
    public static InitStrategy Choices(ChoiceMap choices) => new ChoicesInit(choices);

    internal sealed record UniformInit(double Radius) : InitStrategy;

    internal sealed record PriorInit(Func<Rng, double[]>? Sampler) : InitStrategy;

    internal sealed record ValuesInit(double[] Position) : InitStrategy;

    internal sealed record ChoicesInit(ChoiceMap Map) : InitStrategy;
}
