using System.Diagnostics;

namespace Ppl.Bench;

/// <summary>The timing of one call that the gradient micro-benchmarks share (<c>nuts</c>, <c>gradients</c>).</summary>
internal static class BenchTiming
{
    /// <summary>
    /// Nanoseconds per call of <paramref name="f"/>: <paramref name="calibrate"/> warm-up calls, then the fastest of 15
    /// batches of at least 40 ms each (the machine may be shared, and interference only ever adds time).
    /// </summary>
    public static double FastestNs(Func<double> f, int calibrate = 20000)
    {
        double sink = 0;
        for (var i = 0; i < calibrate; i++) sink += f();
        var batches = new List<double>();
        for (var b = 0; b < 15; b++)
        {
            var sw = Stopwatch.StartNew();
            var calls = 0;
            var inner = Math.Max(1, calibrate / 20);
            while (sw.ElapsedMilliseconds < 40)
            {
                for (var i = 0; i < inner; i++) sink += f();
                calls += inner;
            }
            batches.Add(sw.Elapsed.TotalNanoseconds / calls);
        }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        return batches.Min();
    }
}
