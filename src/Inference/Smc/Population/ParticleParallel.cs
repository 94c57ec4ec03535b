namespace Ppl.Inference.Smc;

/// <summary>Runs per-particle work in parallel with one random stream per particle, split in a fixed order.</summary>
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
            for (var i = 0; i < n; i++) body(i, rng);
            return;
        }
        var streams = rng.Split(n);
        if (options.MaxDegreeOfParallelism == 1 || n < 8)
        {
            for (var i = 0; i < n; i++) body(i, streams[i]);
            return;
        }
        Parallel.For(0, n, new ParallelOptions
        {
            CancellationToken = options.Cancellation,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        }, i => body(i, streams[i]));
    }
}
