using System.Globalization;
using Ppl.Examples.Tasks.Tracking;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// papers.md 3.4: sequential filtering of a 2-D constant-velocity target seen by a range-and-bearing sensor.
/// The Distribution Transformer filter predicts exactly through the linear-Gaussian dynamics (component by
/// component) and updates with the learned operator, its mixture posterior being the next prior; the
/// baseline is a bootstrap particle filter. Both are scored by the NLL of the true state under their
/// filtering posterior (the particle posterior through a kernel density) and timed per step for a batch
/// of series.
/// </summary>
internal sealed class DtFilterExample : IExample
{
    public string Name => "dt-filter";

    public string Description => "DT filter vs a bootstrap particle filter, range-bearing tracking (--steps, --batch, --reuse, --series, --length, --particles)";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        torch.set_num_threads(1);
        var steps = context.Int("steps", 3000);
        var batch = context.Int("batch", 256);
        var series = context.Int("series", 100);
        var length = context.Int("length", 30);
        var particles = context.Int("particles", 5000);
        var task = new RangeBearingTracking();
        var path = Path.Combine("artifacts", "dt-filter", "dt.bin");
        var result = Run(task, context, steps, batch, series, length, particles, path, context.Flag("reuse"));
        return result;
    }

    private static Dictionary<string, object> Run(RangeBearingTracking task, ExampleContext context, int steps, int batch, int series, int length, int particles, string path, bool reuse)
    {
        DistributionTransformer model;
        double trainSeconds = 0;
        if (reuse && File.Exists(path))
        {
            model = DistributionTransformer.Load(path, standardisation: task.Standardisation);
            context.Console.MarkupLine($"Loaded the transformer trained before from [bold]{path}[/].");
        }
        else
        {
            model = new DistributionTransformer(task.TransformerConfig(), seed: context.Seed, standardisation: task.Standardisation);
            context.Console.MarkupLine($"DT-{task.Components}: {model.ParameterCount:N0} parameters; {steps} steps of {batch} fresh simulations.");
            var r = context.WithProgress("Training", progress => DtTrainer.Train(model, task.MetaModel,
                new DtTrainingOptions { Steps = steps, BatchSize = batch, LearningRate = 2e-3, WarmupSteps = Math.Min(200, Math.Max(1, steps / 10)), CheckpointPath = path },
                new Rng(context.Seed), new Ppl.Inference.RunOptions { Progress = progress }));
            trainSeconds = r.Seconds;
            context.Console.MarkupLine($"Trained in {trainSeconds:F1} s; final loss {r.FinalLoss:F4} (posterior NLL {r.FinalPosteriorNll:F4}).");
        }
        model.eval();

        var comparison = FilterComparison.Run(task, model, series, length, particles, new Rng(context.Seed + 1_000_003));
        var (nllDt, nllPf, dtPerStep, pfPerStep) = comparison;

        // Per series: the mean NLL over time; then mean and standard error over series.
        var perDt = nllDt.mean([0]);
        var perPf = nllPf.mean([0]);
        var gap = perDt - perPf;
        double M(Tensor v) => v.mean().item<double>();
        double Se(Tensor v) => v.std().item<double>() / Math.Sqrt(series);
        var table = new Table().Title($"Filtering {series} series × {length} steps: NLL of the true state").Border(TableBorder.Rounded)
            .AddColumns("method", "NLL", "± SE", "time per step (all series)");
        table.AddRow($"DT filter (K = {task.Components})", F(M(perDt)), F(Se(perDt)), $"{dtPerStep * 1000:F2} ms");
        table.AddRow($"bootstrap PF ({particles} particles)", F(M(perPf)), F(Se(perPf)), $"{pfPerStep * 1000:F2} ms");
        context.Console.Write(table);
        var third = Math.Max(1, length / 3);
        context.Console.MarkupLine($"NLL gap DT − PF: {F(M(gap))} ± {F(Se(gap))} (paired); first third {F(M(nllDt[..third] - nllPf[..third]))}, last third {F(M(nllDt[(length - third)..] - nllPf[(length - third)..]))}");
        context.Console.MarkupLine($"PF time / DT time per step: [bold]{pfPerStep / dtPerStep:F1}x[/]");
        return new Dictionary<string, object>
        {
            ["nll_dt"] = Math.Round(M(perDt), 4),
            ["nll_pf"] = Math.Round(M(perPf), 4),
            ["nll_gap"] = Math.Round(M(gap), 4),
            ["nll_gap_se"] = Math.Round(Se(gap), 4),
            ["dt_seconds_per_step"] = Math.Round(dtPerStep, 6),
            ["pf_seconds_per_step"] = Math.Round(pfPerStep, 6),
            ["speedup"] = Math.Round(pfPerStep / dtPerStep, 2),
            ["train_seconds"] = Math.Round(trainSeconds, 3),
        };
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
}
