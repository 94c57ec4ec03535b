using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Smc;
using Ppl.Plotting;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// Bootstrap SMC on the 1-D linear-Gaussian state-space model (x₀ ~ N(0,1), xₜ = 0.9 xₜ₋₁ + N(0,1),
/// yₜ ~ N(xₜ, 0.5²), t = 1..T), data simulated with a fixed seed: R independent runs' log-evidence
/// estimates next to the exact Kalman-filter value.
/// </summary>
internal sealed class SmcLgssmExample : IExample
{
    public string Name => "smc-lgssm";

    public string Description => "bootstrap SMC on a linear-Gaussian state-space model vs the exact Kalman evidence (--particles N --runs R --t T; --fast: the typed state-space filter)";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var steps = context.Int("t", 100);
        var particles = context.Int("particles", 100);
        var runs = context.Int("runs", 10);
        var ys = Simulate(steps, new Rng(context.Seed));
        var exact = ScalarKalman.Filter(ys).LogEvidence;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var rng = new Rng(context.Seed + 1);
        var streams = rng.Split(runs);
        var fast = context.Flag("fast");
        if (fast) return RunFast(context, ys, exact, particles, runs, streams, stopwatch);
        var results = context.WithProgress($"SMC, {runs} run(s) of {particles:N0} particles, T = {steps}", progress =>
        {
            var list = new List<SmcResult<double[], double>>();
            for (var r = 0; r < runs; r++)
            {
                // The [Model] itself: every Observe is a pause, and its generated state machine advances a particle in O(1) per step.
                list.Add(BootstrapSmc.Run(SmcLgssmModels.LgssmModel, ys, ChoiceMap.Empty, particles, streams[r]));
                progress.Report(new Ppl.Inference.Progress(r + 1, runs));
            }
            return list;
        });
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var logs = results.Select(r => r.LogEvidence).ToArray();
        var figures = Report(context, logs, exact, results.Select(r => (r.ResamplingCount, r.EffectiveSampleSize)).ToArray(), particles, runs, seconds);
        context.Console.WriteLine(results[0].Summary(10));
        context.WritePlot("ESS per step of the first run", path => results[0].PlotEss(path));
        return figures;
    }

    /// <summary>
    /// The same model as a struct for <see cref="StateSpaceSmc"/> (<c>--fast</c>): the expert's fast path, written a second
    /// time by hand until the generator gives a [Model] state-space model the typed path's speed.
    /// </summary>
    private readonly struct LgssmModel(double[] ys) : IStateSpaceModel<double>
    {
        public int Steps => ys.Length;

        public double Initial(Rng rng) => rng.NextGaussian();

        public double Transition(int t, double previous, Rng rng) => 0.9 * previous + rng.NextGaussian();

        public double LogObservation(int t, double state)
        {
            var d = (ys[t - 1] - state) * 2; // (y − x)/0.5
            return -0.5 * d * d - 0.2257913526447274; // − log 0.5 − ½ log 2π
        }
    }

    private IReadOnlyDictionary<string, object> RunFast(ExampleContext context, double[] ys, double exact, int particles, int runs, Rng[] streams, System.Diagnostics.Stopwatch stopwatch)
    {
        var smc = new StateSpaceSmcOptions { EssThreshold = 1 }; // resample at every step, as BootstrapSmc does
        var results = context.WithProgress($"typed state-space SMC, {runs} run(s) of {particles:N0} particles, T = {ys.Length}", progress =>
        {
            var list = new List<StateSpaceSmcResult<double>>();
            for (var r = 0; r < runs; r++)
            {
                list.Add(StateSpaceSmc.Run<LgssmModel, double>(new LgssmModel(ys), particles, streams[r], smc));
                progress.Report(new Ppl.Inference.Progress(r + 1, runs));
            }
            return list;
        });
        var seconds = stopwatch.Elapsed.TotalSeconds;
        var logs = results.Select(r => r.LogEvidence).ToArray();
        var figures = Report(context, logs, exact, results.Select(r => (r.ResamplingCount, r.EffectiveSampleSize)).ToArray(), particles, runs, seconds);
        context.Console.WriteLine(results[0].Summary(10));
        return figures;
    }

    private static Dictionary<string, object> Report(ExampleContext context, double[] logs, double exact, (int Resamplings, double Ess)[] details, int particles, int runs, double seconds)
    {
        var mean = logs.Average();
        var sd = runs > 1 ? Math.Sqrt(logs.Sum(l => (l - mean) * (l - mean)) / (runs - 1)) : 0;
        var ratios = logs.Select(l => Math.Exp(l - exact)).ToArray();
        var relative = ratios.Average();
        // Standard errors over the independent runs (NaN for one run): Ẑ/Z is unbiased for 1, and by the lognormal
        // CLT for particle filters (Bérard, Del Moral and Doucet 2014, T ∝ N) log Ẑ − log Z ≈ N(−σ²/2, σ²).
        var relativeSe = runs > 1 ? Math.Sqrt(ratios.Sum(x => (x - relative) * (x - relative)) / (runs - 1) / runs) : double.NaN;
        var table = new Table().Title("log evidence").Border(TableBorder.Rounded).AddColumns("run", "log Ẑ", "log Ẑ − log Z", "resamplings", "final ESS");
        for (var r = 0; r < Math.Min(runs, 20); r++)
            table.AddRow(r.ToString(CultureInfo.InvariantCulture), F(logs[r]), F(logs[r] - exact), details[r].Resamplings.ToString(CultureInfo.InvariantCulture), F(details[r].Ess));
        context.Console.Write(table);
        context.Console.MarkupLine($"exact (Kalman) log Z [bold]{F(exact)}[/]   mean log Ẑ [bold]{F(mean)}[/] (sd {F(sd)})   mean Ẑ/Z [bold]{F(relative)}[/]" +
                                   (runs > 1 ? $" ± {F(relativeSe)}" : ""));
        var figures = new Dictionary<string, object>
        {
            ["particles"] = particles,
            ["runs"] = runs,
            ["exact_log_evidence"] = Math.Round(exact, 6),
            ["mean_log_evidence"] = Math.Round(mean, 6),
            ["sd_log_evidence"] = Math.Round(sd, 6),
            ["mean_relative_evidence"] = Math.Round(relative, 6),
            ["seconds"] = Math.Round(seconds, 3),
        };
        // JSON has no NaN: with one run there is no standard error to report.
        if (runs > 1) figures["se_relative_evidence"] = Math.Round(relativeSe, 6);
        return figures;
    }

    private static string F(double x) => x.ToString("F3", CultureInfo.InvariantCulture);

    internal static double[] Simulate(int steps, Rng rng)
    {
        var x = rng.NextGaussian();
        var ys = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            x = 0.9 * x + rng.NextGaussian();
            ys[i] = x + 0.5 * rng.NextGaussian();
        }
        return ys;
    }
}
