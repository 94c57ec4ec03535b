using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Ppl.Plotting;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// Bayesian linear regression with known noise (<see cref="QuickstartModels.Regression"/>): a Normal prior on
/// the weights, data simulated with a fixed seed, the posterior by NUTS (4 chains) on the model's generated
/// differentiable form, compared with the exact conjugate posterior.
/// </summary>
internal sealed class QuickstartExample : IExample
{
    internal const double PriorSd = 2.0;
    internal const double NoiseSd = 1.0;
    private static readonly double[] TrueWeights = { 1.0, -2.0, 0.5 };

    public string Name => "quickstart";

    public string Description => "Bayesian linear regression: NUTS next to the exact conjugate posterior";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var n = context.Int("n", 30);
        var (xs, ys) = SimulateData(n, new Rng(context.Seed));
        var d = TrueWeights.Length;

        // NUTS on the [Model] method itself: the generator emits its log density over Real, so the
        // gradients are exact reverse mode, and the data enter as the model's arguments (Observe).
        var settings = new McmcSettings { Chains = 4, Warmup = context.Int("warmup", 1000), Draws = context.Int("draws", 1000) };
        var names = Enumerable.Range(0, d).Select(j => $"w[{j}]").ToArray();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = context.WithProgress("NUTS, 4 chains", progress =>
            McmcSampler.Sample(QuickstartModels.RegressionModel, (xs, ys), ChoiceMap.Empty, new NutsKernel(), settings,
                new Rng(context.Seed + 1), new RunOptions { Progress = progress }));
        stopwatch.Stop();
        // The draws are named by address: column w/j is weight j.
        var weights = Enumerable.Range(0, d).Select(j => result.Parameter($"w/{j}")).ToArray();
        var summary = Summary.Of(names, weights);

        var (exactMean, exactSd) = ExactPosterior(xs, ys);
        var table = new Table().Title("Posterior of the regression weights").Border(TableBorder.Rounded)
            .AddColumns("weight", "true", "NUTS mean", "NUTS sd", "exact mean", "exact sd", "z");
        double maxAbsZ = 0, maxMcseZ = 0;
        for (var j = 0; j < d; j++)
        {
            var row = summary.Rows[j];
            var z = (row.Mean - exactMean[j]) / exactSd[j];
            maxAbsZ = Math.Max(maxAbsZ, Math.Abs(z));
            maxMcseZ = Math.Max(maxMcseZ, Math.Abs(row.Mean - exactMean[j]) / row.McseMean);
            table.AddRow($"w[[{j}]]", F(TrueWeights[j]), F(row.Mean), F(row.Sd), F(exactMean[j]), F(exactSd[j]), F(z));
        }
        context.Console.Write(table);
        context.Console.MarkupLine($"max R-hat [bold]{summary.MaxRhat:F3}[/]   min bulk ESS [bold]{summary.MinEssBulk:F0}[/] of {settings.Chains * settings.Draws:N0} draws   " +
                                   $"divergences [bold]{result.Divergences}[/]   {stopwatch.Elapsed.TotalSeconds:F2} s");
        context.Console.MarkupLine($"largest |NUTS mean − exact mean| / exact sd: [bold]{F(maxAbsZ)}[/]  (in MCSE units: {F(maxMcseZ)})");
        if (context.PlotPath is { } plotPath)
        {
            var plots = names.Select((name, j) => Plots.Histogram(weights[j].SelectMany(c => c).ToArray(), title: $"posterior of {name}", xLabel: name)).ToList();
            var written = Plots.SaveGrid(plots, plotPath, columns: Math.Min(3, plots.Count));
            context.Console.MarkupLine($"posterior histograms written to [bold]{Markup.Escape(written)}[/]");
        }

        return new Dictionary<string, object>
        {
            ["max_abs_z"] = Math.Round(maxAbsZ, 6),
            ["max_mcse_z"] = Math.Round(maxMcseZ, 4),
            ["chains"] = settings.Chains,
            ["draws"] = settings.Draws,
            ["max_rhat"] = Math.Round(summary.MaxRhat, 4),
            ["min_ess_bulk"] = Math.Round(summary.MinEssBulk, 1),
            ["divergences"] = result.Divergences,
            ["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            // Each weight's posterior mean and variance next to the exact conjugate values, with MCSE and ESS.
            ["moments"] = Enumerable.Range(0, d).ToDictionary(j => names[j], j => MomentFigures.Of(weights[j], exactMean[j], exactSd[j] * exactSd[j])),
        };
    }

    private static string F(double x) => x.ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>Design rows (1, x1, x2) with x ~ N(0, 1) and responses from the true weights.</summary>
    private static (double[][] Xs, double[] Ys) SimulateData(int n, Rng rng)
    {
        var xs = new double[n][];
        var ys = new double[n];
        for (var i = 0; i < n; i++)
        {
            xs[i] = new[] { 1.0, rng.NextGaussian(), rng.NextGaussian() };
            var mean = xs[i].Zip(TrueWeights, (a, b) => a * b).Sum();
            ys[i] = mean + NoiseSd * rng.NextGaussian();
        }
        return (xs, ys);
    }

    /// <summary>Σ = (I/τ² + XᵀX/σ²)⁻¹, μ = Σ Xᵀy / σ².</summary>
    internal static (double[] Mean, double[] Sd) ExactPosterior(double[][] xs, double[] ys)
    {
        var x = Matrix<double>.Build.DenseOfRowArrays(xs);
        var y = Vector<double>.Build.DenseOfArray(ys);
        var precision = Matrix<double>.Build.DenseIdentity(x.ColumnCount) / (PriorSd * PriorSd) + x.TransposeThisAndMultiply(x) / (NoiseSd * NoiseSd);
        var covariance = precision.Inverse();
        var mean = covariance * (x.TransposeThisAndMultiply(y) / (NoiseSd * NoiseSd));
        return (mean.ToArray(), covariance.Diagonal().Select(Math.Sqrt).ToArray());
    }
}
