namespace Ppl.Inference.Mcmc;

/// <summary>Applies each kernel in turn (a deterministic scan); stationary for π when each kernel is.</summary>
/// <typeparam name="TState">The chain's state.</typeparam>
/// <param name="Kernels">The kernels, in order.</param>
public sealed record Cycle<TState>(IReadOnlyList<IKernel<TState>> Kernels) : IKernel<TState>
{
    /// <inheritdoc />
    public TState Step(TState state, Rng rng)
    {
        foreach (var k in Kernels) state = k.Step(state, rng);
        return state;
    }
}
