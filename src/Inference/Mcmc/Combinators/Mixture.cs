namespace Ppl.Inference.Mcmc;

/// <summary>Applies one kernel chosen at random with the given probabilities (a random scan).</summary>
/// <typeparam name="TState">The chain's state.</typeparam>
/// <param name="Weights">Non-negative weights, one per kernel (normalised).</param>
/// <param name="Kernels">The kernels.</param>
public sealed record Mixture<TState>(IReadOnlyList<double> Weights, IReadOnlyList<IKernel<TState>> Kernels) : IKernel<TState>
{
    /// <inheritdoc />
    public TState Step(TState state, Rng rng)
    {
        if (Weights.Count != Kernels.Count) throw new ArgumentException("A mixture needs one weight per kernel.");
        var w = Weights.ToArray();
        return Kernels[rng.DrawIndex(w)].Step(state, rng);
    }
}
