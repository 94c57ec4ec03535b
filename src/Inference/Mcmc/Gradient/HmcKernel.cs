namespace Ppl.Inference.Mcmc;

/// <summary>
/// Hamiltonian Monte Carlo with a fixed number of leapfrog steps (Neal 2011), a Metropolis correction on
/// the energy error, and Stan's warm-up.
/// </summary>
public sealed class HmcKernel : GradientKernel
{
    /// <summary>Creates the kernel.</summary>
    /// <param name="leapfrogSteps">Leapfrog steps per transition (L ≥ 1).</param>
    public HmcKernel(int leapfrogSteps = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(leapfrogSteps, 1);
        LeapfrogSteps = leapfrogSteps;
    }

    /// <summary>Leapfrog steps per transition.</summary>
    public int LeapfrogSteps { get; }

    /// <inheritdoc />
    protected override (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
        IDifferentiableDensity density, GradientState state, Rng rng) =>
        MetropolisHamiltonian(density, state, rng, LeapfrogSteps, MaxDeltaH);

    internal static (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) MetropolisHamiltonian(
        IDifferentiableDensity density, GradientState state, Rng rng, int steps, double maxDeltaH)
    {
        var n = state.Position.Length;
        var q = (double[])state.Position.Clone();
        var g = (double[])state.Gradient.Clone();
        var p = new double[n];
        var s = new double[n];
        state.Metric.SampleMomentum(rng, p);
        var h0 = Leapfrog.Hamiltonian(state.LogDensity, state.Metric, p);
        var logp = state.LogDensity;
        var divergent = false;
        for (var k = 0; k < steps; k++)
        {
            logp = Leapfrog.Step(density, state.Metric, q, p, g, state.StepSize, s);
            if (Leapfrog.Hamiltonian(logp, state.Metric, p) - h0 > maxDeltaH)
            {
                divergent = true;
                break;
            }
        }
        var h = divergent ? double.PositiveInfinity : Leapfrog.Hamiltonian(logp, state.Metric, p);
        var accept = Math.Min(1.0, Math.Exp(h0 - h));
        if (double.IsNaN(accept)) accept = 0;
        if (rng.NextDouble() < accept)
            return (q, logp, g, new TransitionStats(accept, state.StepSize, 0, steps, divergent, h, true));
        return (state.Position, state.LogDensity, state.Gradient, new TransitionStats(accept, state.StepSize, 0, steps, divergent, h0, false));
    }
}
