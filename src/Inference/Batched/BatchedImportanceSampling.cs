using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Importance sampling with the prior as proposal, all N particles in one batched execution: one
/// <c>Sample</c> call per site draws for every particle, and the log weights are the [N] tensor of the
/// observed sites' log densities. The log evidence is logsumexp(log w) − log N.
/// </summary>
public static class BatchedImportanceSampling
{
    /// <summary>Runs N particles of <paramref name="model"/> conditioned on <paramref name="observations"/>.</summary>
    /// <param name="model">The batched model.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Observed values (shared, or per-particle with leading dimension N).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="device">Where the tensors live (CPU when null).</param>
    /// <param name="dtype">Their floating dtype.</param>
    public static BatchedWeightedSamples<TRet> Run<TArgs, TRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        int particles, Rng rng, Device? device = null, ScalarType dtype = ScalarType.Float64)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        using var ng = no_grad();
        var (trace, weight) = model.Generate(args, observations, particles, rng, device, dtype);
        return new BatchedWeightedSamples<TRet>(trace, weight);
    }

    /// <summary>
    /// Only the log evidence estimate, computing in chunks of at most <paramref name="chunk"/> particles so
    /// that very large N fits in memory; the particles are not kept.
    /// </summary>
    public static double LogEvidence<TArgs, TRet>(BatchedModel<TArgs, TRet> model, TArgs args, BatchedChoices observations,
        long particles, Rng rng, int chunk = 1 << 20, Device? device = null, ScalarType dtype = ScalarType.Float64,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        var parts = new List<double>();
        for (long done = 0; done < particles; done += chunk)
        {
            cancellation.ThrowIfCancellationRequested();
            var n = (int)Math.Min(chunk, particles - done);
            using var scope = NewDisposeScope();
            using var ng = no_grad();
            var (_, w) = model.Generate(args, observations, n, rng, device, dtype);
            parts.Add(w.to_type(ScalarType.Float64).logsumexp(0).item<double>());
        }
        return MathUtil.LogSumExp(parts.ToArray()) - Math.Log(particles);
    }
}
