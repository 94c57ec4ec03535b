using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// A rejuvenation move of batched SMC: an MCMC kernel, invariant for the step's conditional
/// p(xₜ | xₜ₋₁, yₜ), applied to the newest step's latent choices of all N particles at once.
/// </summary>
public abstract class BatchedMove
{
    /// <summary>
    /// Applies the move to the flattened latents <paramref name="z"/> [N, D] with current log densities
    /// <paramref name="logDensity"/> [N]; returns the new latents, their log densities and the mean acceptance.
    /// </summary>
    internal abstract (Tensor Z, Tensor LogDensity, double Acceptance) Apply(Func<Tensor, Tensor> density, Tensor z, Tensor logDensity, Rng rng);

    /// <summary>Gaussian random-walk Metropolis with a fixed scale, repeated <paramref name="repeats"/> times.</summary>
    public static BatchedMove RandomWalk(double scale = 0.5, int repeats = 1) => new RandomWalkMove(scale, repeats);

    /// <summary>HMC with a fixed step size and number of leapfrog steps (unit metric), repeated <paramref name="repeats"/> times.</summary>
    public static BatchedMove Hmc(double stepSize = 0.2, int leapfrogSteps = 5, int repeats = 1) => new HmcMove(stepSize, leapfrogSteps, repeats);

    private sealed class RandomWalkMove : BatchedMove
    {
        private readonly double _scale;
        private readonly int _repeats;

        public RandomWalkMove(double scale, int repeats)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
            ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
            _scale = scale;
            _repeats = repeats;
        }

        internal override (Tensor Z, Tensor LogDensity, double Acceptance) Apply(Func<Tensor, Tensor> density, Tensor z, Tensor logDensity, Rng rng)
        {
            double accepted = 0;
            using var g = new TensorRandom(rng, z.device);
            for (var r = 0; r < _repeats; r++)
            {
                var proposal = z.Plus(randn(z.shape, z.dtype, z.device, generator: g.Next()).Times(_scale));
                var lp = density(proposal);
                var logU = rand(lp.shape, lp.dtype, lp.device, generator: g.Next()).log();
                var accept = logU.lt(lp - logDensity).logical_and(lp.isfinite());
                z = where(accept.unsqueeze(1), proposal, z);
                logDensity = where(accept, lp, logDensity);
                accepted += accept.to_type(ScalarType.Float64).mean().item<double>();
            }
            return (z, logDensity, accepted / _repeats);
        }
    }

    private sealed class HmcMove : BatchedMove
    {
        private readonly double _stepSize;
        private readonly int _steps;
        private readonly int _repeats;

        public HmcMove(double stepSize, int steps, int repeats)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
            ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
            ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
            _stepSize = stepSize;
            _steps = steps;
            _repeats = repeats;
        }

        internal override (Tensor Z, Tensor LogDensity, double Acceptance) Apply(Func<Tensor, Tensor> density, Tensor z, Tensor logDensity, Rng rng)
        {
            double accepted = 0;
            using var g = new TensorRandom(rng, z.device);
            var invMass = ones(z.shape[1], z.dtype, z.device);
            for (var r = 0; r < _repeats; r++)
            {
                var (lp0, grad0) = BatchedLeapfrog.ValueAndGradient(density, z);
                var p0 = randn(z.shape, z.dtype, z.device, generator: g.Next());
                var eps = TensorArithmetic.Full([z.shape[0], 1], _stepSize, z.dtype, z.device);
                var (q, p, lp, _) = BatchedLeapfrog.Integrate(density, z, p0, grad0, eps, invMass, _steps);
                var logAccept = lp - lp0 - (p.Squared().sum(dim: 1) - p0.Squared().sum(dim: 1)).Times(0.5);
                var logU = rand(lp.shape, lp.dtype, lp.device, generator: g.Next()).log();
                var accept = logU.lt(logAccept).logical_and(lp.isfinite());
                z = where(accept.unsqueeze(1), q, z);
                logDensity = where(accept, lp, lp0);
                accepted += accept.to_type(ScalarType.Float64).mean().item<double>();
            }
            return (z, logDensity, accepted / _repeats);
        }
    }
}
