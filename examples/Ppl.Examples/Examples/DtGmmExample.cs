using System.Globalization;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// papers.md 3.8, second target: a Distribution Transformer learns the update of a 1-D Gaussian-mixture prior
/// (K = 3) by one linear-Gaussian observation z = x + N(0, 0.7²); it is evaluated on held-out problems against
/// the exact mixture posterior (a bank of Kalman updates with reweighted components), next to the
/// moment-matched single Gaussian of that posterior and the prior. Pass: KL &lt; 0.02.
/// </summary>
internal sealed class DtGmmExample : IExample
{
    private const double NoiseSd = 0.7;

    public string Name => "dt-gmm";

    public string Description => "Distribution Transformer on a 3-component 1-D mixture prior with a linear-Gaussian observation (--steps, --batch, --reuse, --problems)";

    /// <summary>Weights ~ Dirichlet(1, 1, 1), means ~ N(0, 1.5²), sds = exp(U(−1, 0.3)); x ~ prior; z = x + N(0, 0.7²).</summary>
    private static readonly TensorMetaModel MetaModel = new((b, rng) =>
    {
        using var g = rng.TorchGenerator();
        var w = -rand(new long[] { b, 3 }, generator: g).ClampMin(1e-12).log();
        w /= w.sum(-1, keepdim: true);
        var prior = new GmmTensors(w.log(), randn(new long[] { b, 3, 1 }, generator: g).Times(1.5), rand(new long[] { b, 3, 1, 1 }, generator: g).Times(1.3).Minus(1.0).exp());
        var x = prior.ToGmm(ScalarType.Float32).Sample(rng);
        var z = x.unsqueeze(1).Plus(randn(new long[] { b, 1, 1 }, generator: g).Times(NoiseSd));
        return new MetaBatch(DtPrior.FromMixture(prior), x, [z]);
    });

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        torch.set_num_threads(1);
        var steps = context.Int("steps", 1500);
        var batch = context.Int("batch", 128);
        var problems = context.Int("problems", 1000);
        var path = Path.Combine("artifacts", "dt-gmm", "dt.bin");
        var config = new DtConfig { StateDimension = 1, ModelDimension = 32, Heads = 2, Layers = 2, FeedForward = 64, EmbeddingHidden = 64 };
        DistributionTransformer model;
        double trainSeconds = 0;
        if (context.Flag("reuse") && File.Exists(path))
        {
            model = DistributionTransformer.Load(path);
            context.Console.MarkupLine($"Loaded the transformer trained before from [bold]{path}[/].");
        }
        else
        {
            model = new DistributionTransformer(config, seed: context.Seed);
            context.Console.MarkupLine($"DT: {model.ParameterCount:N0} parameters; {steps} steps of {batch} fresh simulations.");
            var result = context.WithProgress("Training", progress => DtTrainer.Train(model, MetaModel,
                new DtTrainingOptions { Steps = steps, BatchSize = batch, LearningRate = 3e-3, WarmupSteps = 30, CheckpointPath = path },
                new Rng(context.Seed), new Ppl.Inference.RunOptions { Progress = progress }));
            trainSeconds = result.Seconds;
            context.Console.MarkupLine($"Trained in {trainSeconds:F1} s; final loss {result.FinalLoss:F4} (posterior NLL {result.FinalPosteriorNll:F4}).");
        }
        model.eval();

        var held = MetaModel.Simulate(problems, new Rng(context.Seed + 1_000_003));
        var prior = ((DtPrior.Mixture)held.Prior).Value.ToGmm();
        var exact = GmmKalman.Update(prior, LinearGaussianObservation.Scalar(1.0, NoiseSd), held.Observations[0].to_type(ScalarType.Float64)).Posterior;
        GmmTensors q;
        using (no_grad()) q = GmmTensors.From(model.Forward(held.Prior, held.Observations).Posterior.ToGmm());
        var mm = exact.MomentMatch();
        // KL(exact ‖ ·) by Monte Carlo with 10⁴ exact draws per problem, in chunks of 2000 to bound memory.
        var rng = new Rng(context.Seed + 7);
        Tensor klDt = zeros(problems, dtype: ScalarType.Float64), klMm = zeros_like(klDt), klPrior = zeros_like(klDt);
        for (var c = 0; c < 5; c++)
        {
            using var scope = NewDisposeScope();
            var xs = exact.Sample(rng, new long[] { 2000 });
            var logP = exact.LogProb(xs);
            klDt = klDt.Plus((logP - q.LogProb(xs)).mean([0]).Over(5)).MoveToOuterDisposeScope();
            klMm = klMm.Plus((logP - mm.LogProb(xs)).mean([0]).Over(5)).MoveToOuterDisposeScope();
            klPrior = klPrior.Plus((logP - prior.LogProb(xs)).mean([0]).Over(5)).MoveToOuterDisposeScope();
        }
        double K(Tensor t) => t.mean().item<double>();
        double Se(Tensor t) => t.std().item<double>() / Math.Sqrt(problems);
        var table = new Table().Title($"KL(exact ‖ q) over {problems} held-out problems (10⁴ exact draws each)").Border(TableBorder.Rounded)
            .AddColumns("method", "mean KL", "± SE");
        table.AddRow("DT (K = 3 in, 3 out)", F(K(klDt)), F(Se(klDt)));
        table.AddRow("moment-matched Gaussian", F(K(klMm)), F(Se(klMm)));
        table.AddRow("prior", F(K(klPrior)), F(Se(klPrior)));
        context.Console.Write(table);
        context.Console.MarkupLine(K(klDt) < 0.02 ? "[green]KL < 0.02: pass[/]" : "[red]KL ≥ 0.02: fail[/]");
        return new Dictionary<string, object>
        {
            ["kl"] = Math.Round(K(klDt), 6),
            ["kl_se"] = Math.Round(Se(klDt), 6),
            ["kl_moment_matched_gaussian"] = Math.Round(K(klMm), 6),
            ["kl_prior"] = Math.Round(K(klPrior), 6),
            ["train_seconds"] = Math.Round(trainSeconds, 3),
        };
    }

    private static string F(double x) => x.ToString("F5", CultureInfo.InvariantCulture);
}
