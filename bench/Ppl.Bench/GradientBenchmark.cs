using System.Globalization;
using System.Text.Json;
using Ppl;
using Ppl.Autodiff;
using Ppl.Bench;
using Ppl.Inference.Mcmc;

/// <summary>
/// The cost of one gradient of the log density (on the unconstrained space, Jacobians included) of models written as
/// [Model] methods (<see cref="GradientBenchModels"/>): a 5,000 × 25 normal GLM, a 66-parameter approximate GP and the
/// Lotka–Volterra ODE. The
/// figure is the fastest of 15 batches of calls (interference on a shared machine only adds time), in nanoseconds.
/// With <c>--export-data DIR</c> each model's data, an unconstrained point, and the log density and gradient there
/// are written to DIR/&lt;model&gt;.json, which bench/stan/gradients.R reads to check Stan's density against ours
/// at that point and to time Stan's gradient on the same data (bench/stan/gradients.sh runs both).
/// <code>dotnet run -c Release --project bench/Ppl.Bench -- gradients [--export-data DIR]</code>
/// </summary>
internal static class GradientBenchmark
{
    private const int GlmRows = 5000, GlmColumns = 25;
    private const int GpPoints = 200, GpBasis = 63;
    private const double GpBoundary = 1.5 * 1.0; // 1.5 × the half-range of x ∈ [−1, 1]

    public static Dictionary<string, object> Run(string[] args)
    {
        var export = Array.IndexOf(args, "--export-data") is var e and >= 0 && e + 1 < args.Length ? args[e + 1] : null;
        var figures = new Dictionary<string, object> { ["benchmark"] = "gradients" };
        var times = new Dictionary<string, double>();
        var rng = new Rng(11);

        // The GLM: correlated standard-normal predictors, y = 0.5 + Xβ + N(0, 0.7²).
        var xs = new double[GlmRows][];
        var beta = Enumerable.Range(0, GlmColumns).Select(_ => rng.NextGaussian()).ToArray();
        var ys = new double[GlmRows];
        for (var i = 0; i < GlmRows; i++)
        {
            var common = rng.NextGaussian();
            xs[i] = Enumerable.Range(0, GlmColumns).Select(_ => 0.6 * rng.NextGaussian() + 0.4 * common).ToArray();
            ys[i] = 0.5 + xs[i].Zip(beta, (x, b) => x * b).Sum() + 0.7 * rng.NextGaussian();
        }
        var glm = ModelDensity.Create(GradientBenchModels.NormalGlmModel, (xs, ys), ChoiceMap.Empty);
        times["normal_glm"] = Measure("normal GLM (5000 x 25)", glm, Point(glm.Dimension, rng), export, "normal_glm",
            new Dictionary<string, object> { ["N"] = GlmRows, ["K"] = GlmColumns, ["x"] = xs, ["y"] = ys });

        // The approximate GP: y = sin(3x) + 0.3 x² + N(0, 0.2²) at 200 points of [−1, 1].
        var gx = Enumerable.Range(0, GpPoints).Select(i => -1 + 2.0 * i / (GpPoints - 1)).ToArray();
        var gy = gx.Select(x => Math.Sin(3 * x) + 0.3 * x * x + 0.2 * rng.NextGaussian()).ToArray();
        var basis = gx.Select(x => Enumerable.Range(1, GpBasis).Select(j => Ppl.Autodiff.RealHilbertGp.Eigenfunction(j, GpBoundary, x)).ToArray()).ToArray();
        var gp = ModelDensity.Create(GradientBenchModels.ApproximateGpModel, (basis, gy, GpBoundary), ChoiceMap.Empty);
        times["approximate_gp"] = Measure($"approximate GP ({gp.Dimension} parameters, {GpPoints} points)", gp, Point(gp.Dimension, rng), export, "approximate_gp",
            new Dictionary<string, object> { ["N"] = GpPoints, ["M"] = GpBasis, ["L"] = GpBoundary, ["x"] = gx, ["y"] = gy });

        // Lotka–Volterra: 20 yearly measurements of both populations around the solution at α = 0.55, β = 0.028,
        // γ = 0.8, δ = 0.024 from (33, 6), with log-normal noise 0.25 (the case study's values).
        var ts = Enumerable.Range(1, 20).Select(t => (double)t).ToArray();
        var truth = OdeSolver.Rk45States(Ppl.Tests.Shared.LotkaVolterraModels.Rhs, [33.0, 6.0], [0.55, 0.028, 0.8, 0.024], 0, ts, GradientBenchModels.LotkaVolterraOptions);
        var yInit = new[] { 33.0, 6.0 }.Select(v => v * Math.Exp(0.25 * rng.NextGaussian())).ToArray();
        var ly = Enumerable.Range(0, 2 * ts.Length).Select(k => truth[k / 2, k % 2] * Math.Exp(0.25 * rng.NextGaussian())).ToArray();
        var lv = ModelDensity.Create(Ppl.Tests.Shared.LotkaVolterraModels.LotkaVolterraModel, (ts, yInit, ly, GradientBenchModels.LotkaVolterraOptions), ChoiceMap.Empty);
        // The point: the truth on the unconstrained (log) scale, slightly moved, so that the solve is a typical one.
        double[] lvPoint = [.. new[] { 0.55, 0.028, 0.8, 0.024, 33.0, 6.0, 0.25 }.Select(v => Math.Log(v) + 0.05 * rng.NextGaussian())];
        times["lotka_volterra"] = Measure("Lotka-Volterra (7 parameters, 20 x 2 measurements)", lv, lvPoint, export, "lotka_volterra",
            new Dictionary<string, object> { ["N"] = ts.Length, ["ts"] = ts, ["y_init"] = yInit, ["y"] = Enumerable.Range(0, ts.Length).Select(k => new[] { ly[2 * k], ly[2 * k + 1] }).ToArray() });

        figures["gradient_ns"] = times;
        return figures;
    }

    /// <summary>A point near the posterior's scale: small unconstrained values.</summary>
    private static double[] Point(int dimension, Rng rng) => Enumerable.Range(0, dimension).Select(_ => 0.3 * rng.NextGaussian()).ToArray();

    private static double Measure(string label, IModelDensity density, double[] point, string? export, string name, Dictionary<string, object> data)
    {
        var gradient = new double[density.Dimension];
        var lp = density.LogDensityAndGradient(point, gradient);
        if (!double.IsFinite(lp)) throw new InvalidOperationException($"{label}: the log density at the benchmark point is {lp}.");
        if (export is not null)
        {
            Directory.CreateDirectory(export);
            var payload = new Dictionary<string, object>
            {
                ["data"] = data, ["point"] = point, ["log_density"] = lp, ["gradient"] = gradient.ToArray(),
                ["parameters"] = density.Addresses.Select(a => a.ToString()).ToArray(),
            };
            File.WriteAllText(Path.Combine(export, name + ".json"), JsonSerializer.Serialize(payload));
        }
        var ns = BenchTiming.FastestNs(() => density.LogDensityAndGradient(point, gradient), calibrate: 200);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {ns / 1e3:F1} µs per gradient (log density {lp:F6})"));
        return Math.Round(ns);
    }
}
