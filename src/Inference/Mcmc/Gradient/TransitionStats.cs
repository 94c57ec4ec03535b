namespace Ppl.Inference.Mcmc;

/// <summary>What one transition did (Stan's sampler diagnostics).</summary>
/// <param name="AcceptStat">Mean Metropolis acceptance probability over the trajectory (or the MH acceptance probability).</param>
/// <param name="StepSize">The step size used.</param>
/// <param name="TreeDepth">NUTS tree depth (0 for other kernels).</param>
/// <param name="LeapfrogSteps">Gradient evaluations taken.</param>
/// <param name="Divergent">True when the energy error exceeded the divergence threshold.</param>
/// <param name="Energy">The Hamiltonian at the returned state (NaN when not applicable).</param>
/// <param name="Accepted">Whether the state moved.</param>
public readonly record struct TransitionStats(
    double AcceptStat, double StepSize, int TreeDepth, int LeapfrogSteps, bool Divergent, double Energy, bool Accepted);
