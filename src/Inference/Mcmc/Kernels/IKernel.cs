namespace Ppl.Inference.Mcmc;

/// <summary>
/// A Markov kernel over immutable states: <see cref="Step"/> returns the next state and never changes
/// the one it is given. Kernels over the same state type compose with <see cref="Kernel"/>'s
/// combinators (cycle, mixture, repeat).
/// </summary>
/// <typeparam name="TState">The chain's state.</typeparam>
public interface IKernel<TState>
{
    /// <summary>One transition.</summary>
    TState Step(TState state, Rng rng);
}
