namespace Ppl.Inference.Mcmc;

/// <summary>A gradient kernel bound to one density, as an <see cref="IKernel{TState}"/> that combinators accept.</summary>
/// <param name="Density">The density.</param>
/// <param name="Kernel">The kernel.</param>
public sealed record BoundGradientKernel(IDifferentiableDensity Density, IGradientKernel Kernel) : IKernel<GradientState>
{
    /// <inheritdoc />
    public GradientState Step(GradientState state, Rng rng) => Kernel.Step(Density, state, rng);
}
