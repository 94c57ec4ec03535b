using Ppl.Inference.Tests.Conformance;

/// <summary>
/// The conformance suite's larger SBC run: every model of <see cref="ConformanceSuite"/> (tests/Shared/Conformance,
/// the files the tests run at <see cref="SbcSize.Ci"/>) under NUTS at <see cref="SbcSize.Bench"/> (200 replicates, 300
/// warm-up iterations, 19 draws thinned by 4, 10 rank bins), with the tests' seed and pass criterion (every quantity's
/// p-value above <see cref="ConformanceSbc.Alpha"/>). One line per model as it finishes, then the JSON
/// <c>{"benchmark":"conformance","passed":bool,"models":{name:{"min_p":…,"p":{quantity:…},"divergences":…,"seconds":…}}}</c>.
/// <code>dotnet run -c Release --project bench/Ppl.Bench -- conformance [model-filter]</code>
/// The filter keeps the models whose name contains it (case-insensitive: <c>hierarchical</c> runs both hierarchies).
/// </summary>
internal static class ConformanceBenchmark
{
    public static Dictionary<string, object> Run(string[] args)
    {
        var filter = args.Length > 1 ? args[1] : "";
        var cases = ConformanceSuite.All.Where(c => c.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        if (cases.Count == 0)
        {
            Console.WriteLine($"No conformance model matches '{filter}'; the models are {string.Join(", ", ConformanceSuite.All.Select(c => c.Name))}.");
            return new Dictionary<string, object> { ["benchmark"] = "conformance", ["passed"] = false, ["models"] = new Dictionary<string, object>() };
        }
        var models = new Dictionary<string, object>();
        var passed = true;
        foreach (var c in cases)
        {
            // Seed 1, as ConformanceSbcTests.NutsIsCalibrated: the bench run is the CI test at the larger size.
            var outcome = ConformanceSbc.Run(c, c.SizeFor(SbcSize.Bench), seed: 1);
            Console.WriteLine(outcome.ToString());
            passed &= outcome.Passed;
            models[c.Name] = outcome.Figures();
        }
        return new Dictionary<string, object> { ["benchmark"] = "conformance", ["passed"] = passed, ["models"] = models };
    }
}
