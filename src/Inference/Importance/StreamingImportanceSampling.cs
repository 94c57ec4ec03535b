namespace Ppl.Inference.Importance;

public static partial class ImportanceSampling
{
    /// <summary>
    /// Importance sampling from the prior that keeps no traces: each particle's weight and requested statistics are
    /// folded into running sums as it is drawn, so memory does not grow with <paramref name="particles"/> (10⁷ and more),
    /// and only the requested reservoir of traces is kept. Particles run in blocks of
    /// <see cref="StreamingRequest{TArgs, TRet}.BlockSize"/>, in parallel, with one random stream per block split in a
    /// fixed order and the blocks' sums merged in block order: the result depends on the seed, not on the thread count.
    /// Cancellation is checked at every particle; progress is reported after every wave of blocks.
    /// </summary>
    /// <param name="model">The model (its prior is the proposal).</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="observations">Values of the observed choices.</param>
    /// <param name="particles">Number of particles N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="request">What to estimate and keep (default: the log evidence only).</param>
    /// <param name="options">Parallelism, progress and cancellation.</param>
    public static StreamingImportanceResult<TArgs, TRet> Stream<TArgs, TRet>(
        IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations, long particles, Rng rng,
        StreamingRequest<TArgs, TRet>? request = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ObservationCheck.RequireNoNaN(observations, model.Name);
        request ??= new StreamingRequest<TArgs, TRet>();
        ArgumentOutOfRangeException.ThrowIfLessThan(request.BlockSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Reservoir);
        options ??= RunOptions.Default;
        var names = request.Means.Select(a => a.ToString()).Concat(request.Statistics.Select(s => s.Name)).ToArray();
        var blocks = (particles + request.BlockSize - 1) / request.BlockSize;
        var wave = (int)Math.Min(blocks, 4L * Environment.ProcessorCount);
        var total = new WeightAccumulator(names.Length);
        var reservoir = new Reservoir<TArgs, TRet>(request.Reservoir);
        for (long first = 0; first < blocks; first += wave)
        {
            var count = (int)Math.Min(wave, blocks - first);
            // One stream per wave, split into one per block: a fixed order, whatever the thread count.
            var streams = rng.Split().Split(count);
            var sums = new WeightAccumulator[count];
            var kept = new Reservoir<TArgs, TRet>[count];
            var waveStart = first;
            ParallelWork.For(count, options, WorkUnit.Chunk, b =>
            {
                var start = (waveStart + b) * request.BlockSize;
                var end = Math.Min(particles, start + request.BlockSize);
                (sums[b], kept[b]) = RunBlock(model, args, observations, request, names.Length, start, end, streams[b], options.Cancellation);
            });
            for (var b = 0; b < count; b++)
            {
                total.Merge(sums[b]);
                reservoir.Merge(kept[b]);
            }
            options.Progress?.Report(new Progress(Math.Min(particles, (first + count) * request.BlockSize), particles));
        }
        if (double.IsNegativeInfinity(total.MaxLogWeight))
            throw new InferenceException($"All {particles} particle weights are zero: the observations have zero density under every particle of '{model.Name}'.");
        var n = (double)particles;
        var meanW = total.SumW / n;
        var varW = Math.Max(total.SumW2 / n - meanW * meanW, 0);
        var stats = Enumerable.Range(0, names.Length).Select(total.Statistic).ToArray();
        var (traces, logWeights) = reservoir.Contents();
        return new StreamingImportanceResult<TArgs, TRet>(particles, total.MaxLogWeight + Math.Log(meanW), Math.Sqrt(varW / n) / meanW,
            total.SumW * total.SumW / total.SumW2, names, stats.Select(s => s.Mean).ToArray(), stats.Select(s => s.StandardError).ToArray(), traces, logWeights);
    }

    private static (WeightAccumulator, Reservoir<TArgs, TRet>) RunBlock<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> model, TArgs args, ChoiceMap observations,
        StreamingRequest<TArgs, TRet> request, int statistics, long start, long end, Rng rng, CancellationToken token)
    {
        var sums = new WeightAccumulator(statistics);
        var kept = new Reservoir<TArgs, TRet>(request.Reservoir);
        var f = new double[statistics];
        for (var i = start; i < end; i++)
        {
            token.ThrowIfCancellationRequested();
            GenerateResult<TArgs, TRet> generated;
            try
            {
                generated = model.Generate(args, observations, rng);
            }
            catch (PplException e) when (e.InParticle(i) is null)
            {
                throw; // never reached: the filter only records the particle (blocks report no index of their own)
            }
            var (trace, logWeight) = generated;
            if (double.IsNaN(logWeight) || double.IsPositiveInfinity(logWeight))
                throw new InferenceException($"Particle {i} of '{model.Name}' has log weight {logWeight}.");
            var k = 0;
            foreach (var a in request.Means) f[k++] = ChoiceAsDouble(trace, a);
            foreach (var (_, stat) in request.Statistics) f[k++] = stat(trace);
            sums.Add(logWeight, f);
            if (request.Reservoir > 0) kept.Offer(trace, logWeight, rng.NextDouble());
        }
        return (sums, kept);
    }

    private static double ChoiceAsDouble(ITrace trace, Address address) => trace.Choices.Get<object>(address) switch
    {
        double d => d,
        bool b => b ? 1 : 0,
        int i => i,
        var v => throw new ArgumentException($"The choice at '{address}' is {v?.GetType().Name ?? "null"}; a posterior mean needs a double, bool or int choice.", nameof(address)),
    };
}

/// <summary>
/// A uniform sample of k particles without replacement (each particle gets a uniform key; the k smallest keys stay),
/// mergeable in any grouping with the same result.
/// </summary>
internal sealed class Reservoir<TArgs, TRet>(int capacity)
{
    // A max-heap on the key: the root is the largest kept key, the first to go.
    private readonly PriorityQueue<(ITrace<TArgs, TRet> Trace, double LogWeight, double Key), double> _heap = new(Comparer<double>.Create((a, b) => b.CompareTo(a)));

    public void Offer(ITrace<TArgs, TRet> trace, double logWeight, double key)
    {
        if (capacity == 0) return;
        if (_heap.Count < capacity) _heap.Enqueue((trace, logWeight, key), key);
        else if (_heap.TryPeek(out _, out var largest) && key < largest) _heap.DequeueEnqueue((trace, logWeight, key), key);
    }

    public void Merge(Reservoir<TArgs, TRet> other)
    {
        foreach (var (item, key) in other._heap.UnorderedItems) Offer(item.Trace, item.LogWeight, key);
    }

    /// <summary>The kept traces and log weights, by increasing key.</summary>
    public (ITrace<TArgs, TRet>[] Traces, double[] LogWeights) Contents()
    {
        var items = _heap.UnorderedItems.Select(x => x.Element).OrderBy(x => x.Key).ToArray();
        return (items.Select(x => x.Trace).ToArray(), items.Select(x => x.LogWeight).ToArray());
    }
}
