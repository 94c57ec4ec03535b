namespace Ppl.Inference.Mcmc;

/// <summary>
/// The immutable state of a gradient-based chain (HMC, MALA, NUTS): the position in unconstrained space
/// with its log density and gradient, the tuning (step size, metric), the warm-up adaptation still in
/// progress (null once it is over), and the statistics of the last transition. Arrays are never
/// modified after a state is made.
/// </summary>
/// <param name="Position">The position.</param>
/// <param name="LogDensity">log p at the position.</param>
/// <param name="Gradient">∇ log p at the position.</param>
/// <param name="StepSize">The step size.</param>
/// <param name="Metric">The metric.</param>
/// <param name="Iteration">Transitions done so far (warm-up included).</param>
/// <param name="Adaptation">The warm-up adaptation, or null when adaptation is over or off.</param>
/// <param name="Stats">Statistics of the last transition.</param>
public sealed record GradientState(
    double[] Position,
    double LogDensity,
    double[] Gradient,
    double StepSize,
    Metric Metric,
    int Iteration,
    WarmupAdaptation? Adaptation,
    TransitionStats Stats)
{
    /// <summary>True while warm-up adaptation is running.</summary>
    public bool IsWarmingUp => Adaptation is not null;
}
