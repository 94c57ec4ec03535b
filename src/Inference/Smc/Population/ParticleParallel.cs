namespace Ppl.Inference.Smc;

/// <summary>
/// Runs per-particle work in parallel with one random stream per particle, split in a fixed order. An error in a
/// particle is rethrown as it is, naming the particle (see <see cref="ParallelWork"/>).
/// </summary>
internal static class ParticleParallel
{
    /// <summary>
    /// Calls <paramref name="body"/>(i, streamᵢ) for i in 0..n−1. Streams are split from <paramref name="rng"/>
    /// in index order before any work starts, so results depend only on the seed, not on the thread count.
    /// A non-plain stream (the exact enumerator) is used as it is, sequentially: it is one shared walk
    /// whose draws must happen in a fixed order.
    /// </summary>
    public static void For(int n, Rng rng, RunOptions options, Action<int, Rng> body)
    {
        options.Cancellation.ThrowIfCancellationRequested();
        if (!Resamplers.IsPlain(rng))
        {
            ParallelWork.For(n, options, WorkUnit.Particle, i => body(i, rng), sequential: true);
            return;
        }
        var streams = rng.Split(n);
        ParallelWork.For(n, options, WorkUnit.Particle, i => body(i, streams[i]), sequential: n < 8);
    }
}
