namespace Ppl.Inference.Mcmc;

/// <summary>
/// The Metropolis-adjusted Langevin algorithm. One leapfrog step from a fresh momentum p ~ N(0, M) moves
/// q to q + (ε²/2) M⁻¹∇log p(q) + ε M⁻¹p, which is exactly MALA's preconditioned Langevin proposal, and
/// the energy-based acceptance ratio equals MALA's Metropolis–Hastings ratio; so MALA is implemented as
/// one-step HMC and shares its warm-up (Stan's dual averaging, whose default target 0.8 sits above
/// MALA's asymptotically optimal 0.574: set <see cref="GradientKernel.TargetAccept"/> to change it).
/// </summary>
public sealed class MalaKernel : GradientKernel
{
    /// <inheritdoc />
    protected override (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
        IDifferentiableDensity density, GradientState state, Rng rng) =>
        HmcKernel.MetropolisHamiltonian(density, state, rng, 1, MaxDeltaH);
}
