namespace Ppl.Inference.Smc;

/// <summary>
/// A state-space model over a typed state, for the fast particle filter (<see cref="StateSpaceSmc"/>):
/// x₀ ~ <see cref="Initial"/>, then for t = 1..<see cref="Steps"/>: xₜ ~ <see cref="Transition"/>(t, xₜ₋₁)
/// and the observation yₜ contributes <see cref="LogObservation"/>(t, xₜ) = log p(yₜ | xₜ) (the model holds its data).
/// <para>
/// Implement it on a <c>struct</c> and pass the struct itself: the filter is generic over the model type,
/// so the JIT compiles one specialised loop per model and inlines these calls (no virtual or delegate
/// call per particle-step). <see cref="StateSpaceModel{TState}"/> wraps delegates for quick use.
/// </para>
/// </summary>
/// <typeparam name="TState">The latent state (a struct such as <c>double</c> keeps particles in flat arrays).</typeparam>
public interface IStateSpaceModel<TState>
{
    /// <summary>Number of observed steps T.</summary>
    int Steps { get; }

    /// <summary>Draws x₀ from its prior.</summary>
    TState Initial(Rng rng);

    /// <summary>Draws xₜ given xₜ₋₁ (t = 1..T): the bootstrap proposal.</summary>
    TState Transition(int t, TState previous, Rng rng);

    /// <summary>log p(yₜ | xₜ) for t = 1..T; −∞ where the observation is impossible.</summary>
    double LogObservation(int t, TState state);
}

/// <summary>A state-space model with a transition density, needed by moves that score paths (particle Gibbs parameter steps, proposals).</summary>
/// <typeparam name="TState">The latent state.</typeparam>
public interface IStateSpaceDensity<TState> : IStateSpaceModel<TState>
{
    /// <summary>log p(x₀).</summary>
    double LogInitial(TState state);

    /// <summary>log p(xₜ | xₜ₋₁).</summary>
    double LogTransition(int t, TState previous, TState state);
}

/// <summary>A state-space model from three delegates (a delegate call per particle-step; write a struct for full speed).</summary>
/// <typeparam name="TState">The latent state.</typeparam>
/// <param name="Steps">T.</param>
/// <param name="InitialSampler">Draws x₀.</param>
/// <param name="TransitionSampler">Draws xₜ | xₜ₋₁.</param>
/// <param name="ObservationLogDensity">log p(yₜ | xₜ).</param>
public readonly record struct StateSpaceModel<TState>(
    int Steps,
    Func<Rng, TState> InitialSampler,
    Func<int, TState, Rng, TState> TransitionSampler,
    Func<int, TState, double> ObservationLogDensity) : IStateSpaceModel<TState>
{
    /// <inheritdoc />
    public TState Initial(Rng rng) => InitialSampler(rng);

    /// <inheritdoc />
    public TState Transition(int t, TState previous, Rng rng) => TransitionSampler(t, previous, rng);

    /// <inheritdoc />
    public double LogObservation(int t, TState state) => ObservationLogDensity(t, state);
}
