using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Ppl.Distributions;
using Ppl.Inference.Importance;
using Ppl.Plotting;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// Bayesian linear regression with known noise: a Normal prior on the weights, data simulated with a
/// fixed seed, the posterior by importance sampling, compared with the exact conjugate posterior.
/// </summary>
internal sealed class QuickstartExample : IExample
{
    internal const double PriorSd = 2.0;
    internal const double NoiseSd = 1.0;
    private static readonly double[] TrueWeights = { 1.0, -2.0, 0.5 };

    public string Name => "quickstart";

    public string Description => "Bayesian linear regression: importance sampling next to the exact conjugate posterior";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var n = context.Int("n", 30);
        var particles = context.Int("particles", 100_000);
        var (xs, ys) = SimulateData(n, new Rng(context.Seed));

        var observations = ChoiceMap.Empty;
        for (var i = 0; i < n; i++) observations = observations.Set(new Address("y", i), ys[i]);

        var samples = context.WithProgress($"Importance sampling ({particles:N0} particles)",
            progress => ImportanceSampling.Run(QuickstartModels.RegressionModel, xs, observations, particles, new Rng(context.Seed + 1),
                new Ppl.Inference.RunOptions { Progress = progress }));

        var (exactMean, exactSd) = ExactPosterior(xs, ys);
        var table = new Table().Title("Posterior of the regression weights").Border(TableBorder.Rounded)
            .AddColumns("weight", "true", "IS mean", "IS sd", "exact mean", "exact sd", "z");
        double maxAbsZ = 0;
        for (var j = 0; j < TrueWeights.Length; j++)
        {
            var address = new Address("w", j);
            var mean = samples.Mean(tr => tr.Get<double>(address));
            var sd = Math.Sqrt(samples.Variance(tr => tr.Get<double>(address)));
            var z = (mean - exactMean[j]) / exactSd[j];
            maxAbsZ = Math.Max(maxAbsZ, Math.Abs(z));
            table.AddRow($"w[[{j}]]", F(TrueWeights[j]), F(mean), F(sd), F(exactMean[j]), F(exactSd[j]), F(z));
        }
        context.Console.Write(table);
        context.Console.MarkupLine($"log evidence estimate [bold]{F(samples.LogEvidence)}[/]   effective sample size [bold]{samples.EffectiveSampleSize:F0}[/] of {particles:N0}");
        context.Console.MarkupLine($"largest |IS mean − exact mean| / exact sd: [bold]{F(maxAbsZ)}[/]");
        if (context.PlotPath is { } plotPath)
        {
            var written = samples.PlotHistograms(Enumerable.Range(0, TrueWeights.Length).Select(j => new Address("w", j)).ToList(), plotPath);
            context.Console.MarkupLine($"posterior histograms written to [bold]{Markup.Escape(written)}[/]");
        }

        return new Dictionary<string, object>
        {
            ["max_abs_z"] = Math.Round(maxAbsZ, 6),
            ["particles"] = particles,
            ["ess"] = Math.Round(samples.EffectiveSampleSize, 1),
            ["log_evidence"] = Math.Round(samples.LogEvidence, 6),
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
