namespace Ppl.Inference.Mcmc;

/// <summary>
/// A gradient-based MCMC kernel in NumPyro's style: <see cref="Init"/> makes a state, <see cref="Step"/>
/// makes the next one; states are immutable, so a state can be stepped twice. The density is passed
/// to each step so the same kernel can move on a density that changes between steps (e.g. the
/// conditional of some choices given the others, inside a Gibbs sweep).
/// </summary>
public interface IGradientKernel
{
    /// <summary>The initial state at <paramref name="position"/>, with warm-up adaptation over the first <paramref name="warmup"/> steps.</summary>
    GradientState Init(IDifferentiableDensity density, ReadOnlySpan<double> position, int warmup, Rng rng);

    /// <summary>One transition.</summary>
    GradientState Step(IDifferentiableDensity density, GradientState state, Rng rng);
}
