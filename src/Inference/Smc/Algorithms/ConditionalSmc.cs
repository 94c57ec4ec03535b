namespace Ppl.Inference.Smc;

/// <summary>
/// Conditional SMC (Andrieu, Doucet and Holenstein 2010): a particle filter in which particle 0 is pinned
/// to a reference path, followed by drawing one final particle ∝ its weight and tracing its path back.
/// The map reference → new path is a Markov kernel that leaves the smoothing posterior p(x₀..x_T | y)
/// invariant for any N ≥ 2; it is the state update of particle Gibbs.
/// </summary>
public static partial class ConditionalSmc
{
    /// <summary>One conditional SMC sweep; returns the new path x₀..x_T.</summary>
    /// <param name="model">The model.</param>
    /// <param name="reference">The current path x₀..x_T.</param>
    /// <param name="particles">N ≥ 2 (including the reference).</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Parallelism and cancellation.</param>
    public static TState[] Sample<TModel, TState>(TModel model, IReadOnlyList<TState> reference, int particles, Rng rng, RunOptions? options = null)
        where TModel : IStateSpaceModel<TState>
    {
        ArgumentNullException.ThrowIfNull(reference);
        var filter = new ParticleFilter<TModel, TState>(model, particles, rng, null, options, reference);
        filter.Finish();
        return filter.Path(filter.DrawIndex(rng));
    }

    /// <summary>An unconditional filter's path drawn ∝ the final weights: a starting point for particle Gibbs.</summary>
    public static TState[] InitialPath<TModel, TState>(TModel model, int particles, Rng rng, RunOptions? options = null)
        where TModel : IStateSpaceModel<TState>
    {
        var filter = new ParticleFilter<TModel, TState>(model, particles, rng, new StateSpaceSmcOptions { KeepHistory = true }, options);
        filter.Finish();
        return filter.Path(filter.DrawIndex(rng));
    }
}
