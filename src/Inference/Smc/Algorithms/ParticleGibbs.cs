namespace Ppl.Inference.Smc;

/// <summary>
/// Particle Gibbs (Andrieu, Doucet and Holenstein 2010): alternate θ ~ p(θ | x₀..x_T, y) (a user-supplied
/// exact or MCMC update) and x₀..x_T ~ <see cref="ConditionalSmc"/> at θ. Both updates leave p(θ, x | y)
/// invariant, so the θ chain targets p(θ | y).
/// </summary>
public static partial class ParticleGibbs
{
    /// <summary>Runs one particle Gibbs chain.</summary>
    /// <param name="model">The state-space model at θ.</param>
    /// <param name="updateParameters">Draws θ given the current path and θ (leaving p(θ | x, y) invariant).</param>
    /// <param name="initial">θ₀.</param>
    /// <param name="particles">N ≥ 2 particles per conditional SMC sweep.</param>
    /// <param name="iterations">Chain length.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="options">Progress (per iteration), cancellation; sweeps use one thread.</param>
    public static ParticleGibbsResult<TParam, TState> Run<TModel, TState, TParam>(Func<TParam, TModel> model,
        Func<TState[], TParam, Rng, TParam> updateParameters, TParam initial, int particles, int iterations, Rng rng, RunOptions? options = null)
        where TModel : IStateSpaceModel<TState>
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(updateParameters);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(iterations);
        options ??= RunOptions.Default;
        var inner = new RunOptions { MaxDegreeOfParallelism = 1, Cancellation = options.Cancellation };
        var theta = initial;
        var path = ConditionalSmc.InitialPath<TModel, TState>(model(theta), particles, rng.Split(), inner);
        var thetas = new TParam[iterations];
        var paths = new TState[iterations][];
        for (var i = 0; i < iterations; i++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            theta = updateParameters(path, theta, rng);
            path = ConditionalSmc.Sample(model(theta), path, particles, rng.Split(), inner);
            thetas[i] = theta;
            paths[i] = path;
            options.Progress?.Report(new Progress(i + 1, iterations));
        }
        return new ParticleGibbsResult<TParam, TState>(thetas, paths);
    }
}

/// <summary>A particle Gibbs chain.</summary>
/// <param name="Parameters">θ after each iteration.</param>
/// <param name="Paths">The path x₀..x_T after each iteration.</param>
public sealed record ParticleGibbsResult<TParam, TState>(IReadOnlyList<TParam> Parameters, IReadOnlyList<TState[]> Paths);
