using System.Diagnostics;
using System.Text.Json;
using Ppl;
using Ppl.Distributions;

// Benchmarks, each reported as a ratio to a baseline measured in the same process.
// Usage: dotnet run -c Release --project bench/Ppl.Bench -- <name>
var benchmarks = new Dictionary<string, Func<Dictionary<string, object>>>(StringComparer.OrdinalIgnoreCase)
{
    ["dynamic"] = DynamicTracerBenchmark.Run,
    ["generated"] = Ppl.Bench.GeneratedBenchmark.Run,
    ["nuts"] = () => NutsBenchmark.Run(args),
    ["nuts-adapt"] = () => NutsAdaptBench.Run(args),
    ["smc"] = () => SmcBenchmark.Run(args),
    ["batched"] = () => BatchedBenchmark.Run(args),
    ["batched-check"] = () => BatchedDeviceCheck.Run(args),
    ["vi"] = () => ViBenchmark.Run(args),
    ["resumable"] = () => ResumableBenchmark.Run(args),
    ["scalar-stress"] = () => ScalarStress.Run(args),
    ["is-stream"] = () => Ppl.Bench.StreamingBenchmark.Run(args),
    ["glm-gradient"] = () => GlmGradientBenchmark.Run(args),
    ["gradients"] = () => GradientBenchmark.Run(args),
    ["conformance"] = () => ConformanceBenchmark.Run(args),
    ["gp-centred"] = () => GpCentredInvestigation.Run(args),
};

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var bench))
{
    Console.WriteLine("Usage: dotnet run -c Release --project bench/Ppl.Bench -- <benchmark>");
    Console.WriteLine("Benchmarks: " + string.Join(", ", benchmarks.Keys));
    return args.Length == 0 ? 0 : 2;
}

var figures = bench();
Console.WriteLine(JsonSerializer.Serialize(figures));
// A benchmark with a verdict reports it as all_passed (or passed, the conformance run's key): false exits 1.
return (figures.TryGetValue("all_passed", out var passed) || figures.TryGetValue("passed", out passed)) && passed is false ? 1 : 0;

/// <summary>
/// The cost of the dynamic tracer: Assess of a 3-weight regression with 30 observations (33 sites),
/// against a hand-written C# log density of the same model.
/// </summary>
internal static class DynamicTracerBenchmark
{
    public static Dictionary<string, object> Run()
    {
        const int n = 30;
        var rng = new Rng(1);
        var xs = Enumerable.Range(0, n).Select(_ => new[] { 1.0, rng.NextGaussian(), rng.NextGaussian() }).ToArray();
        var model = DynamicModel.Create<double[][], double>("regression", (t, data) =>
        {
            var w0 = t.Sample(new Address("w", 0), new Normal(0, 2));
            var w1 = t.Sample(new Address("w", 1), new Normal(0, 2));
            var w2 = t.Sample(new Address("w", 2), new Normal(0, 2));
            for (var i = 0; i < data.Length; i++)
                t.Sample(new Address("y", i), new Normal(data[i][0] * w0 + data[i][1] * w1 + data[i][2] * w2, 1));
            return w0;
        });
        var trace = model.Simulate(xs, rng);
        var choices = trace.Choices;
        var w = Enumerable.Range(0, 3).Select(j => choices.Get<double>(new Address("w", j))).ToArray();
        var y = Enumerable.Range(0, n).Select(i => choices.Get<double>(new Address("y", i))).ToArray();

        double HandWritten()
        {
            double s = 0;
            for (var j = 0; j < 3; j++) s += new Normal(0, 2).LogDensity(w[j]);
            for (var i = 0; i < n; i++) s += new Normal(xs[i][0] * w[0] + xs[i][1] * w[1] + xs[i][2] * w[2], 1).LogDensity(y[i]);
            return s;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) model.Assess(xs, choices);
        var bytesPerAssess = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        var dynamicNs = Time(() => model.Assess(xs, choices).Weight);
        var handNs = Time(HandWritten);
        var generateNs = Time(() => model.Generate(xs, choices, rng).Weight);
        Console.WriteLine($"assess (dynamic tracer): {dynamicNs:F0} ns/call");
        Console.WriteLine($"generate (dynamic tracer): {generateNs:F0} ns/call");
        Console.WriteLine($"hand-written log density: {handNs:F0} ns/call");
        return new Dictionary<string, object>
        {
            ["benchmark"] = "dynamic",
            ["assess_ns"] = Math.Round(dynamicNs),
            ["generate_ns"] = Math.Round(generateNs),
            ["handwritten_ns"] = Math.Round(handNs, 1),
            ["dynamic_over_handwritten"] = Math.Round(dynamicNs / handNs, 1),
            ["allocated_bytes_per_assess"] = Math.Round(bytesPerAssess),
        };
    }

    /// <summary>Median over repeated batches of the time per call, after warm-up.</summary>
    private static double Time(Func<double> f)
    {
        double sink = 0;
        for (var i = 0; i < 2000; i++) sink += f();
        var batches = new List<double>();
        for (var b = 0; b < 15; b++)
        {
            var sw = Stopwatch.StartNew();
            var calls = 0;
            while (sw.ElapsedMilliseconds < 60)
            {
                for (var i = 0; i < 100; i++) sink += f();
                calls += 100;
            }
            batches.Add(sw.Elapsed.TotalNanoseconds / calls);
        }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        batches.Sort();
        return batches[batches.Count / 2];
    }
}
