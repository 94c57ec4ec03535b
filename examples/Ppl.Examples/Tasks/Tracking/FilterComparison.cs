using System.Diagnostics;
using Ppl.Distributions.Tensors;
using Ppl.Inference;
using Ppl.Inference.Amortized.Operators;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Tracking;

/// <summary>The NLL of the true state at every step [T, S] for both filters, and their time per step (for all S series at once).</summary>
/// <param name="TransformerNll">−log q(xₜ) under the DT filter's posterior.</param>
/// <param name="ParticleNll">−log of the particle posterior's kernel density at xₜ.</param>
/// <param name="TransformerSecondsPerStep">Wall-clock seconds of one DT filter step (predict + learned update).</param>
/// <param name="ParticleSecondsPerStep">Wall-clock seconds of one particle-filter step (propagate, weight, resample).</param>
public sealed record FilterComparisonResult(Tensor TransformerNll, Tensor ParticleNll, double TransformerSecondsPerStep, double ParticleSecondsPerStep);

/// <summary>
/// Runs the Distribution Transformer filter (exact linear-Gaussian prediction, learned update) and a
/// bootstrap particle filter on the same simulated tracks and scores both by the NLL of the true state.
/// </summary>
public static class FilterComparison
{
    /// <summary>Simulates <paramref name="series"/> tracks of <paramref name="length"/> steps and filters them with both methods.</summary>
    public static FilterComparisonResult Run(RangeBearingTracking task, DistributionTransformer model, int series, int length, int particles, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(series, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        var (states, readings) = task.Simulate(series, length, rng);
        var initial = task.InitialPrior(series);

        var filter = new GmmFilter<Tensor>(task.Dynamics, new DtPosteriorOperator(model));
        var nllDt = zeros(length, series, dtype: ScalarType.Float64);
        Gmm? current = null;
        filter.UpdateOperator.Update(initial, readings[0].unsqueeze(1)); // warm-up: the first call allocates
        var dtWatch = new Stopwatch();
        for (var t = 0; t < length; t++)
        {
            var z = readings[t].unsqueeze(1);
            dtWatch.Start();
            current = current is null ? filter.UpdateOperator.Update(initial, z) : filter.Step(current, z);
            dtWatch.Stop();
            nllDt[t] = -current.LogProb(states[t]);
        }

        // Only the particle step is timed; the kernel density is for scoring.
        var pf = new BootstrapParticleFilter(task.Dynamics, task.LogLikelihood, particles, rng);
        var nllPf = zeros(length, series, dtype: ScalarType.Float64);
        var pfWatch = new Stopwatch();
        for (var t = 0; t < length; t++)
        {
            using var scope = NewDisposeScope();
            pfWatch.Start();
            var (x, logW) = pf.Step(initial, readings[t]);
            pfWatch.Stop();
            nllPf[t] = -BootstrapParticleFilter.KernelLogDensity(x, logW, states[t]);
        }
        return new FilterComparisonResult(nllDt, nllPf, dtWatch.Elapsed.TotalSeconds / length, pfWatch.Elapsed.TotalSeconds / length);
    }
}
