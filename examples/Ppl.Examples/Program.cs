using System.Text.Json;
using Ppl.Examples;
using Spectre.Console;

var examples = new IExample[]
{
    new QuickstartExample(),
    new BrainGaussianExample(),
    new BrainToyExample(),
    new BrainSentimentExample(),
    new ViConeExample(),
    new DtInverseGammaExample(),
    new DtGmmExample(),
    new DtFilterExample(),
    new NutsEightSchoolsExample(),
    new SmcLgssmExample(),
    new SmcSprinklerExample(),
    new EveryAlgorithmExample(),
    new VaeExample(),
}.ToDictionary(e => e.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine("Usage: dotnet run --project examples/Ppl.Examples -- <example> [--json] [--seed N] [options]");
    Console.WriteLine();
    Console.WriteLine("Examples:");
    foreach (var e in examples.Values) Console.WriteLine($"  {e.Name,-22} {e.Description}");
    Console.WriteLine();
    Console.WriteLine("Common options:");
    Console.WriteLine("  --json        end with one JSON line of the example's figures");
    Console.WriteLine("  --seed N      random seed (default 1)");
    Console.WriteLine("  --plot FILE   write the example's plot (PNG, or SVG when FILE ends in .svg)");
    return args.Length == 0 ? 1 : 0;
}

if (!examples.TryGetValue(args[0], out var example))
{
    Console.Error.WriteLine($"Unknown example '{args[0]}'. Known: {string.Join(", ", examples.Keys)}. Use --help.");
    return 2;
}

var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
for (var i = 1; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"Unexpected argument '{args[i]}'. Options look like --name value.");
        return 2;
    }
    var name = args[i][2..];
    string? value = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
    options[name] = value;
}

var json = options.ContainsKey("json");
var context = new ExampleContext(options, AnsiConsole.Console);
var stopwatch = System.Diagnostics.Stopwatch.StartNew();
var figures = example.Run(context);
stopwatch.Stop();
if (json)
{
    var payload = new Dictionary<string, object> { ["example"] = example.Name };
    foreach (var (k, v) in figures) payload[k] = v;
    if (!payload.ContainsKey("seconds")) payload["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3);
    Console.WriteLine(JsonSerializer.Serialize(payload));
}
return 0;
