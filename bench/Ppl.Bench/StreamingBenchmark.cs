using System.Diagnostics;
using Ppl;
using Ppl.Inference;
using Ppl.Inference.Importance;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Bench;

/// <summary>The model of the streaming importance-sampling benchmark.</summary>
public static partial class StreamingBenchModels
{
    /// <summary>Conjugate normal mean: mu ~ N(0, 1), y_i ~ N(mu, 1) observed.</summary>
    [Model]
    public static double NormalMean(double[] ys)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu, 1), ys[i], "y", i);
        return mu;
    }
}

/// <summary>
/// Streaming importance sampling: 10⁷ particles of a [Model] in bounded memory, against the keeping run
/// (<c>ImportanceSampling.Run</c>) at 10⁶ particles in the same process; and the cancellation lag of a run of 10¹⁰
/// particles cancelled mid-way. Reports the peak working set after each phase.
/// <c>dotnet run -c Release --project bench/Ppl.Bench -- is-stream [--particles N]</c>
/// </summary>
internal static class StreamingBenchmark
{
    public static Dictionary<string, object> Run(string[] args)
    {
        var particles = args.SkipWhile(a => a != "--particles").Skip(1).Select(long.Parse).FirstOrDefault(10_000_000);
        var ys = new[] { 0.8, 1.6, 1.1 };
        var model = StreamingBenchModels.NormalMeanModel;
        var process = Process.GetCurrentProcess();
        var request = new StreamingRequest<double[], double> { Means = [new Address("mu")], Reservoir = 1000 };

        // Streaming, the full count, first: the peak working set is process-wide and never decreases, so the keeping run
        // comes after it.
        var sw = Stopwatch.StartNew();
        var streamed = ImportanceSampling.Stream(model, ys, ChoiceMap.Empty, particles, new Rng(2), request);
        var streamSeconds = sw.Elapsed.TotalSeconds;
        process.Refresh();
        var streamPeak = process.PeakWorkingSet64;
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);

        // Keeping every trace, at a tenth of the particles (the baseline).
        var keep = Math.Max(1, particles / 10);
        sw.Restart();
        var kept = ImportanceSampling.Run(model, ys, ChoiceMap.Empty, (int)keep, new Rng(1));
        var keepSeconds = sw.Elapsed.TotalSeconds;
        GC.KeepAlive(kept);
        process.Refresh();
        var keepPeak = process.PeakWorkingSet64;
        kept = null;
        GC.Collect();

        // Cancellation lag: cancel a run that would take hours, after 2 s.
        using var cts = new CancellationTokenSource();
        var lag = TimeSpan.Zero;
        var cancelAt = Stopwatch.StartNew();
        cts.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            ImportanceSampling.Stream(model, ys, ChoiceMap.Empty, 10_000_000_000, new Rng(3), request, new RunOptions { Cancellation = cts.Token });
        }
        catch (OperationCanceledException)
        {
            lag = cancelAt.Elapsed - TimeSpan.FromSeconds(2);
        }

        var exactMean = ys.Sum() / (ys.Length + 1);
        var z = (streamed.Mean("mu") - exactMean) / streamed.StandardError("mu");
        Console.WriteLine(streamed);
        Console.WriteLine($"keeping run: {keep} particles in {keepSeconds:F1} s, peak working set {keepPeak / 1e6:F0} MB");
        Console.WriteLine($"streaming run: {particles} particles in {streamSeconds:F1} s, peak working set {streamPeak / 1e6:F0} MB, managed heap after {heapAfter / 1e6:F1} MB");
        Console.WriteLine($"cancellation lag: {lag.TotalMilliseconds:F0} ms; posterior mean z = {z:F2}");
        return new Dictionary<string, object>
        {
            ["benchmark"] = "is-stream",
            ["particles"] = particles,
            ["stream_seconds"] = Math.Round(streamSeconds, 2),
            ["stream_particles_per_second"] = Math.Round(particles / streamSeconds),
            ["keep_particles"] = keep,
            ["keep_seconds"] = Math.Round(keepSeconds, 2),
            ["stream_over_keep_time_per_particle"] = Math.Round(streamSeconds / particles / (keepSeconds / keep), 3),
            ["keep_peak_working_set_mb"] = Math.Round(keepPeak / 1e6),
            ["stream_peak_working_set_mb"] = Math.Round(streamPeak / 1e6),
            ["heap_after_stream_mb"] = Math.Round(heapAfter / 1e6, 1),
            ["cancel_lag_ms"] = Math.Round(lag.TotalMilliseconds),
            ["posterior_mean_z"] = Math.Round(z, 2),
            ["all_passed"] = lag < TimeSpan.FromMilliseconds(100) && Math.Abs(z) < 5,
        };
    }
}
