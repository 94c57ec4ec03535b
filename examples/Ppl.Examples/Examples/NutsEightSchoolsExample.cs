using Ppl.Inference;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Ppl.Plotting;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// Non-centred eight schools (Rubin 1981; Gelman et al., BDA3 §5.5) sampled by NUTS with Stan's warm-up on
/// the [Model] method <see cref="EightSchoolsModels.EightSchools"/>: μ ~ N(0, 5), τ ~ HalfCauchy(5),
/// ηⱼ ~ N(0, 1), θⱼ = μ + τ ηⱼ, yⱼ ~ N(θⱼ, σⱼ). NUTS runs on the model's generated differentiable form
/// (exact reverse-mode gradients, τ mapped from ℝ with its log-Jacobian), and θ comes back as the model's
/// return value, reported with every draw.
/// </summary>
internal sealed class NutsEightSchoolsExample : IExample
{
    private static readonly double[] Y = [28, 8, -3, 7, -1, 1, 18, 12];
    private static readonly double[] Sigma = [15, 10, 16, 11, 9, 11, 10, 18];

    /// <summary>The reported quantities: μ, τ and the deterministic θ₀ … θ₇ (addresses theta/j), shown as theta[j].</summary>
    private static readonly string[] Addresses = ["mu", "tau", .. Enumerable.Range(0, Y.Length).Select(j => $"theta/{j}")];

    private static readonly string[] Names = ["mu", "tau", .. Enumerable.Range(0, Y.Length).Select(j => $"theta[{j}]")];

    public string Name => "nuts-eight-schools";

    private static string F(double x) => x.ToString("F3", System.Globalization.CultureInfo.InvariantCulture);

    public string Description => "Non-centred eight schools: NUTS, 4 chains, 1000 warm-up + 1000 draws, summary table";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var settings = new McmcSettings { Chains = 4, Warmup = context.Int("warmup", 1000), Draws = context.Int("draws", 1000) };
        var rng = new Rng(context.Seed);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = context.WithProgress("NUTS, 4 chains", progress =>
            McmcSampler.Sample(EightSchoolsModels.EightSchoolsModel, (Y, Sigma), ChoiceMap.Empty, new NutsKernel(), settings, rng,
                new RunOptions { Progress = progress }));
        stopwatch.Stop();
        // The draws hold mu, tau, eta/0 … eta/7 (the choices) and theta/0 … theta/7 (Deterministic); report mu, tau, theta.
        var summary = Summary.Of(Names, [.. Addresses.Select(result.Parameter)]);
        // Plain Console: Spectre would wrap the wide table at the terminal width.
        System.Console.Out.Write(summary.ToString());
        context.Console.MarkupLine($"divergences: {result.Divergences}, mean accept_stat: {result.MeanAcceptStat:F3}, " +
                                   $"warm-up {result.WarmupTime.TotalSeconds:F2} s, sampling {result.SamplingTime.TotalSeconds:F2} s");
        context.WritePlot("posterior histograms", path => result.PlotPosterior(path, Addresses));
        // The exact posterior moments (quadrature over τ, EightSchoolsReference) next to NUTS's, with their MCSE.
        var exact = EightSchoolsReference.Moments(Y, Sigma);
        var moments = Names.Select((name, k) => (name, MomentFigures.Of(result.Parameter(Addresses[k]), exact[k].Mean, exact[k].Variance))).ToArray();
        var table = new Table().Title("NUTS against the exact posterior (quadrature over τ)").Border(TableBorder.Rounded)
            .AddColumns("parameter", "NUTS mean", "exact mean", "MCSE", "NUTS sd", "exact sd");
        foreach (var (name, f) in moments)
            table.AddRow(Markup.Escape(name), F(f["mean"]), F(f["exact_mean"]), F(f["mcse_mean"]), F(Math.Sqrt(f["variance"])), F(Math.Sqrt(f["exact_variance"])));
        context.Console.Write(table);
        return new Dictionary<string, object>
        {
            ["moments"] = moments.ToDictionary(m => m.name, m => m.Item2),
            ["max_rhat"] = Math.Round(summary.MaxRhat, 4),
            ["min_ess_bulk"] = Math.Round(summary.MinEssBulk, 1),
            ["min_ess_tail"] = Math.Round(summary.MinEssTail, 1),
            ["divergences"] = result.Divergences,
            ["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            ["means"] = summary.Rows.ToDictionary(r => r.Name, r => Math.Round(r.Mean, 4)),
            ["sds"] = summary.Rows.ToDictionary(r => r.Name, r => Math.Round(r.Sd, 4)),
        };
    }
}
