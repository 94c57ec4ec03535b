namespace Ppl.Inference.Mcmc;

/// <summary>Applies a kernel <see cref="Times"/> times per step.</summary>
/// <typeparam name="TState">The chain's state.</typeparam>
/// <param name="Kernel">The kernel.</param>
/// <param name="Times">How many times (≥ 1).</param>
public sealed record Repeat<TState>(IKernel<TState> Kernel, int Times) : IKernel<TState>
{
    /// <inheritdoc />
    public TState Step(TState state, Rng rng)
    {
        for (var i = 0; i < Times; i++) state = Kernel.Step(state, rng);
        return state;
    }
}
