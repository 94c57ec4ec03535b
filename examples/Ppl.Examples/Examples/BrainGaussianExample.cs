using System.Globalization;
using Ppl.Examples.Tasks.Brain;
using Ppl.Inference.Amortized.Brain;
using Spectre.Console;

namespace Ppl.Examples;

/// <summary>
/// papers.md 4.6 T1: the variance of the DPG, GDC++ and BRAIn gradient estimators on a Gaussian toy
/// (target N(0, 1), policy N(1, 1), proposal N(μ, 1), n = 8; the true gradient is −1), next to the
/// reference table and the exact DPG/GDC++ variances; then BRAIn's bias as n grows.
/// </summary>
internal sealed class BrainGaussianExample : IExample
{
    public string Name => "brain-gaussian";

    public string Description => "BRAIn vs DPG vs GDC++ gradient estimators on the Gaussian variance toy (papers.md 4.6 T1)";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        TorchSharp.torch.set_num_threads(1);
        var reps = context.Int("reps", 40_000);
        var rng = new Rng(context.Seed);
        var table = new Table().Title($"Gradient estimators, n = 8, {reps:N0} repetitions (true value −1)").Border(TableBorder.Rounded)
            .AddColumns("μ", "DPG mean / var", "GDC++ mean / var", "BRAIn mean / var", "exact DPG / GDC++ var");
        var figures = new Dictionary<string, object>();
        foreach (var mu in new[] { 0.0, 0.5, 1.0 })
        {
            var s = new[] { DistillationOptions.Dpg, DistillationOptions.GdcPlusPlus, DistillationOptions.Brain }
                .Select(o => GaussianEstimatorToy.Summarize(GaussianEstimatorToy.GradientDraws(o, mu, 8, reps, rng.Split()))).ToArray();
            table.AddRow(F(mu, 1), $"{F(s[0].Mean)} / {F(s[0].Variance)}", $"{F(s[1].Mean)} / {F(s[1].Variance)}", $"{F(s[2].Mean)} / {F(s[2].Variance)}",
                $"{F(GaussianEstimatorToy.ExactDpgVariance(mu, 8))} / {F(GaussianEstimatorToy.ExactGdcVariance(mu, 8))}");
            var key = "mu_" + F(mu, 1);
            figures[key] = new Dictionary<string, double>
            {
                ["dpg_mean"] = R(s[0].Mean), ["dpg_var"] = R(s[0].Variance), ["gdcpp_mean"] = R(s[1].Mean), ["gdcpp_var"] = R(s[1].Variance),
                ["brain_mean"] = R(s[2].Mean), ["brain_var"] = R(s[2].Variance),
            };
        }
        context.Console.Write(table);

        var bias = new Dictionary<string, double>();
        foreach (var (n, r) in new[] { (8, reps), (64, reps / 4), (512, reps / 20) })
        {
            var s = GaussianEstimatorToy.Summarize(GaussianEstimatorToy.GradientDraws(DistillationOptions.Brain, 1.0, n, r, rng.Split()));
            context.Console.WriteLine($"BRAIn, μ = 1, n = {n}: mean {F(s.Mean)} ± {F(s.MeanStandardError)} (bias {F(s.Mean + 1)})");
            bias[n.ToString(CultureInfo.InvariantCulture)] = R(s.Mean + 1);
        }
        figures["brain_bias_by_n"] = bias;
        return figures;
    }

    private static string F(double v, int digits = 3) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    private static double R(double v) => Math.Round(v, 5);
}
