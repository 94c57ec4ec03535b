using System.Diagnostics;
using Ppl;
using TorchSharp;
using static TorchSharp.torch;

/// <summary>
/// The focused reproduction of the TorchSharp Scalar lifetime failure (see src/Ppl/Numerics/TensorArithmetic.cs): worker threads compute <c>(a + b) × 0.5 + 1</c> while another thread
/// forces garbage collections and waits for finalizers without pause. With TorchSharp's operators (<c>raw</c>)
/// the temporary <see cref="Scalar"/>s (the 0.5, the 1 and the <c>alpha = 1</c> of each addition) are reachable
/// only until their handle is read, so the finalizer thread frees some of them while libtorch still reads them:
/// libtorch throws "Expected false to be true … toDouble at c10/core/Scalar.h:140" (or worse). With
/// <see cref="TensorArithmetic"/> (<c>safe</c>) nothing fails.
/// <code>dotnet run -c Release --project bench/Ppl.Bench -- scalar-stress [seconds per mode, default 10] [threads, default 3]</code>
/// Exit status 1 when the safe mode fails; the raw mode is expected to fail and only reported.
/// </summary>
internal static class ScalarStress
{
    public static Dictionary<string, object> Run(string[] args)
    {
        var seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
        var threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 3;
        set_num_threads(1);
        var raw = Once(safe: false, seconds, threads);
        var safe = Once(safe: true, seconds, threads);
        return new Dictionary<string, object>
        {
            ["benchmark"] = "scalar-stress",
            ["seconds_per_mode"] = seconds,
            ["threads"] = threads,
            ["raw_ops"] = raw.Ops,
            ["raw_failures"] = raw.Failures,
            ["raw_collections"] = raw.Collections,
            ["safe_ops"] = safe.Ops,
            ["safe_failures"] = safe.Failures,
            ["safe_collections"] = safe.Collections,
            ["all_passed"] = safe.Failures == 0,
        };
    }

    private static (long Ops, long Failures, long Collections) Once(bool safe, double seconds, int threads)
    {
        var stop = false;
        long collections = 0, ops = 0, failures = 0;
        string? first = null;
        var gc = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true };
        gc.Start();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            using var a = full(new long[] { 64 }, 2.0, ScalarType.Float64);
            using var b = full(new long[] { 64 }, 3.0, ScalarType.Float64);
            while (watch.Elapsed.TotalSeconds < seconds)
            {
                try
                {
                    using var scope = NewDisposeScope(); // keeps the tensors alive: only the scalars are at stake
                    var r = safe ? a.Plus(b).Times(0.5).Plus(1.0) : (a + b) * 0.5 + 1.0;
                    if (r[0].item<double>() != 3.5) throw new InvalidOperationException($"wrong value {r[0].item<double>()}");
                }
                catch (Exception e)
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref first, e.Message.Split('\n')[0] + " " + string.Join(" ", e.Message.Split('\n').Skip(1).Take(1)), null);
                }
                Interlocked.Increment(ref ops);
            }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Volatile.Write(ref stop, true);
        gc.Join();
        Console.WriteLine($"{(safe ? "safe (TensorArithmetic)" : "raw (TorchSharp operators)"),-28} {ops,9} evaluations, {collections,6} forced collections, {failures} failed{(first is null ? "" : ": " + first)}");
        return (ops, failures, collections);
    }
}
