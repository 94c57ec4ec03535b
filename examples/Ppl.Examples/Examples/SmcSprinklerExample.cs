using System.Globalization;
using Ppl.Enumeration;
using Ppl.Inference.Smc;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// The exact distribution of SMC's output with 2 particles on the sprinkler model, obtained by running
/// the randomized algorithm under the exact enumerator, next to the model's exact posterior.
/// </summary>
internal sealed class SmcSprinklerExample : IExample
{
    public string Name => "smc-sprinkler";

    public string Description => "exact distribution of 2-particle SMC's output (by enumeration) vs the sprinkler model's posterior";

    /// <summary>The model, written once as a [Model] method (<see cref="SmcSprinklerModels.Sprinkler"/>); SMC runs its generated state machine.</summary>
    private static IGenerativeFunction<Unit, bool> Sprinkler => SmcSprinklerModels.SprinklerModel;

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var model = Enumerate.Model(Sprinkler, Unit.Value);
        var table = new Table().Title("P(rain | factors)").Border(TableBorder.Rounded).AddColumns("distribution", "Z", "P(rain)", "paths");
        table.AddRow("model (exact)", F(model.Evidence), F(model.Probability(e => e.Value)), model.Entries.Count.ToString(CultureInfo.InvariantCulture));
        var worst = 0.0;
        foreach (var resampler in Resamplers.All)
        {
            var smc = Enumerate.Program(rng =>
            {
                var result = BootstrapSmc.Run(Sprinkler, Unit.Value, ChoiceMap.Empty, 2, rng, new SmcOptions { Resampler = resampler, Steps = 2 });
                var (particle, logWeight) = result.Population.Collapse(rng);
                return (Rain: particle.Return.Return, LogWeight: logWeight);
            }, v => v.LogWeight);
            var p = smc.Probability(e => e.Value.Rain);
            worst = Math.Max(worst, Math.Max(Math.Abs(p - model.Probability(e => e.Value)), Math.Abs(smc.Evidence - model.Evidence)));
            table.AddRow($"collapse(SMC N=2, k=2, {resampler.Name})", F(smc.Evidence), F(p), smc.Entries.Count.ToString(CultureInfo.InvariantCulture));
        }
        context.Console.Write(table);
        context.Console.MarkupLine($"largest difference from the model: [bold]{worst:E2}[/]");
        return new Dictionary<string, object>
        {
            ["exact_p_rain"] = Math.Round(model.Probability(e => e.Value), 9),
            ["exact_evidence"] = Math.Round(model.Evidence, 9),
            ["max_abs_difference"] = worst,
        };
    }

    private static string F(double x) => x.ToString("F9", CultureInfo.InvariantCulture);
}
