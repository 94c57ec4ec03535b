using System.Diagnostics;
using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Importance;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Programs;
using Ppl.Inference.Amortized.Standardisation;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// papers.md 3.8: a Distribution Transformer learns the inverse-gamma conjugate update (α, β ~ Gamma(1, 1),
/// σ² ~ InvGamma(α, β), n = 10 observations zᵢ ~ N(0, σ²)) from simulations of a Ppl meta-model, and is
/// evaluated on held-out problems against the exact posterior on y = log σ², next to the moment-matched
/// Gaussian, the prior and per-problem SVI.
/// </summary>
internal sealed class DtInverseGammaExample : IExample
{
    private const int N = 10;

    public string Name => "dt-invgamma";

    public string Description => "Distribution Transformer on the inverse-gamma conjugate task (--steps, --batch, --lr, --reuse, --raw, --problems, --svi-problems, --device, --dtype)";

    /// <summary>
    /// The training problem read from the [Model] <see cref="DtInverseGammaModels.Variance"/> by address: the latent
    /// σ² (on log σ²), the observations z(0), z(1), …, and the prior token InvGamma(α, β) from the model's arguments,
    /// which <see cref="DtInverseGammaModels.Hyperprior"/> draws per simulation (on the simulation's own stream, just
    /// before the model runs on it).
    /// </summary>
    public static readonly TracedMetaModel<(double, double, int), double> Problem = new(DtInverseGammaModels.VarianceModel,
        rng =>
        {
            var h = DtInverseGammaModels.HyperpriorModel.Simulate(Unit.Value, rng).Return;
            return (h[0], h[1], N);
        },
        [DtLatent.Positive("sigma2")], DtObserved.Indexed(i => new Address("z", i)), DtPriorToken<(double, double, int)>.FromArguments(a => [a.Item1, a.Item2]));

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        torch.set_num_threads(1);
        var steps = context.Int("steps", 3000);
        var batch = context.Int("batch", 256);
        var problems = context.Int("problems", 1000);
        var sviProblems = context.Int("svi-problems", 5);
        // Without --raw the network reads each problem on its own scale (observations divided by their root mean
        // square, β by the mean square, the posterior on log σ² shifted back): an exact symmetry of the task.
        var raw = context.Flag("raw");
        var standardisation = raw ? null : new VarianceScaleStandardisation();
        var learningRate = context.Double("lr", 2e-3);
        // The network trains and infers on --device in --dtype (float32 on the CPU by default); the exact answers,
        // the KL estimates and the importance sampler stay on the CPU in float64.
        var device = context.Device();
        var dtype = context.DType(ScalarType.Float32);
        var path = Path.Combine("artifacts", raw ? "dt-invgamma-raw" : "dt-invgamma", "dt.bin");
        var config = new DtConfig
        {
            PriorParameterCount = 2, Components = 5, ObservationScaling = ObservationScaling.Asinh,
            ModelDimension = 32, Heads = 4, Layers = 3, FeedForward = 128, EmbeddingHidden = 32,
        };
        DistributionTransformer model;
        double trainSeconds = 0;
        if (context.Flag("reuse") && File.Exists(path))
        {
            model = DistributionTransformer.Load(path, SampleSpaceTransform.Log, standardisation, device, dtype);
            context.Console.MarkupLine($"Loaded the transformer trained before from [bold]{path}[/].");
        }
        else
        {
            model = Problem.CreateTransformer(config, seed: context.Seed, standardisation: standardisation, device: device, dtype: dtype);
            context.Console.MarkupLine($"DT-5: {model.ParameterCount:N0} parameters on {device.type} in {dtype}; {steps} steps of {batch} fresh simulations.");
            var result = context.WithProgress("Training", progress => DtTrainer.Train(model, Problem,
                new DtTrainingOptions { Steps = steps, BatchSize = batch, LearningRate = learningRate, WarmupSteps = Math.Min(200, steps / 10), CheckpointPath = path },
                new Rng(context.Seed), new Ppl.Inference.RunOptions { Progress = progress }));
            trainSeconds = result.Seconds;
            context.Console.MarkupLine($"Trained in {trainSeconds:F1} s; final loss {result.FinalLoss:F4} (posterior NLL {result.FinalPosteriorNll:F4}).");
        }
        model.eval();

        // Held-out problems from a seed the training never used.
        var held = Problem.Simulate(problems, new Rng(context.Seed + 1_000_003));
        var phi = ((DtPrior.Parametric)held.Prior).Parameters.to_type(ScalarType.Float64);
        var prior = new Ppl.Distributions.Tensors.InverseGamma(phi[.., 0], phi[.., 1]);
        var z = held.Observations[0].squeeze(-1).to_type(ScalarType.Float64);
        var exact = InverseGammaConjugate.Update(prior, z);

        // Time batched inference for all problems (best of 5 after one warm-up).
        Gmm(model, held);
        var times = new List<double>();
        GmmTensors q = null!;
        for (var r = 0; r < 5; r++)
        {
            var sw = Stopwatch.StartNew();
            q = Gmm(model, held);
            times.Add(sw.Elapsed.TotalSeconds);
        }
        var dtSeconds = times.Min() * 1000.0 / problems;

        // KL(exact ‖ ·) by Monte Carlo with 10⁴ exact draws per problem, in chunks to bound memory.
        const int draws = 10_000;
        var ys = InverseGammaConjugate.SampleLog(exact, new Rng(context.Seed + 7), [draws]); // [S, B]
        var logP = InverseGammaConjugate.LogDensityOfLog(exact, ys);
        var qd = GmmTensors.From(q.ToGmm());
        var klDt = (logP - qd.LogProb(ys.unsqueeze(-1))).mean([0]);
        // The moment-matched Gaussian on y (exact mean log β′ − ψ(α′), variance ψ′(α′)) has a closed-form KL.
        var klMm = InverseGammaConjugate.MomentMatchedGaussianKlOfLog(exact);
        var klPrior = (logP - InverseGammaConjugate.LogDensityOfLog(prior, ys)).mean([0]);
        double K(Tensor t) => t.mean().item<double>();
        double Se(Tensor t) => t.std().item<double>() / Math.Sqrt(problems);

        // SVI baseline: a Gaussian on y per problem, reparameterised ELBO, Adam, in TorchSharp.
        var sviSw = Stopwatch.StartNew();
        var klSvi = new List<double>();
        for (var i = 0; i < sviProblems; i++) klSvi.Add(Svi(phi[i], z[i], exact, ys, logP, i, context.Seed + i));
        var sviSeconds = sviSw.Elapsed.TotalSeconds / Math.Max(1, sviProblems);

        var table = new Table().Title($"KL(exact ‖ q) on y = log σ² over {problems} held-out problems").Border(TableBorder.Rounded)
            .AddColumns("method", "mean KL", "± SE", "time");
        table.AddRow("DT-5 (this run)", F(K(klDt)), F(Se(klDt)), $"{dtSeconds * 1000:F1} ms / 1000 problems");
        table.AddRow("moment-matched Gaussian", F(K(klMm)), F(Se(klMm)), "needs the exact posterior");
        table.AddRow("prior", F(K(klPrior)), F(Se(klPrior)), "");
        table.AddRow($"SVI (first {sviProblems} problems)", F(klSvi.Count > 0 ? klSvi.Average() : double.NaN), "", $"{sviSeconds:F3} s / problem");
        context.Console.Write(table);
        var sorted = klDt.sort().Values;
        context.Console.MarkupLine($"DT KL quantiles: median {F(sorted[problems / 2].item<double>())}, 90% {F(sorted[problems * 9 / 10].item<double>())}, 99% {F(sorted[problems * 99 / 100].item<double>())}, max {F(sorted[^1].item<double>())}");
        context.Console.MarkupLine($"DT speed-up per problem over SVI: [bold]{sviSeconds / (dtSeconds / 1000):N0}x[/]");

        // The trained DT as an importance proposal on the [Model] itself (its posterior over σ² by address): the
        // estimate of log p(z) is exact asymptotically whatever the network's error; its z-scores against the exact
        // evidence should look standard normal, and its effective sample size shows how good the proposal is.
        var isProblems = Math.Min(context.Int("is-problems", 20), problems);
        var particles = context.Int("particles", 1000);
        var exactLogZ = InverseGammaConjugate.LogEvidence(prior, z);
        var zScores = new List<double>();
        var essDt = new List<double>();
        var essPrior = new List<double>();
        var isSw = Stopwatch.StartNew();
        for (var i = 0; i < isProblems; i++)
        {
            var args = (phi[i, 0].ToDoubleValue(), phi[i, 1].ToDoubleValue(), N);
            var obs = ChoiceMap.Empty;
            for (var k = 0; k < N; k++) obs = obs.Set(new Address("z", k), z[i, k].ToDoubleValue());
            var posterior = Problem.Posterior(model, args, obs);
            var s = ImportanceSampling.Run(DtInverseGammaModels.VarianceModel, args, obs, posterior.Proposal, Unit.Value, particles, new Rng(context.Seed + 31 * i));
            zScores.Add((s.LogEvidence - exactLogZ[i].ToDoubleValue()) / LogEvidenceSe(s.LogWeights));
            essDt.Add(s.EffectiveSampleSize);
            essPrior.Add(ImportanceSampling.Run(DtInverseGammaModels.VarianceModel, args, obs, particles, new Rng(context.Seed + 31 * i)).EffectiveSampleSize);
        }
        var isSeconds = isSw.Elapsed.TotalSeconds / Math.Max(1, isProblems);
        context.Console.MarkupLine($"Importance sampling on the [[Model]] with the DT proposal ({isProblems} problems, {particles} particles): " +
            $"log-evidence z-scores mean {F(zScores.Average())}, mean |z| {F(zScores.Average(Math.Abs))}, max |z| {F(zScores.Max(Math.Abs))}; " +
            $"ESS {essDt.Average():F0} (prior proposal {essPrior.Average():F0}); {isSeconds:F3} s / problem for both runs");

        return new Dictionary<string, object>
        {
            ["kl"] = Math.Round(K(klDt), 6),
            ["kl_moment_matched_gaussian"] = Math.Round(K(klMm), 6),
            ["kl_prior"] = Math.Round(K(klPrior), 6),
            ["dt_seconds_per_1000"] = Math.Round(dtSeconds, 6),
            ["svi_seconds_per_problem"] = Math.Round(sviSeconds, 6),
            ["train_seconds"] = Math.Round(trainSeconds, 3),
            ["is_mean_abs_z"] = Math.Round(zScores.Average(Math.Abs), 4),
            ["is_ess_dt"] = Math.Round(essDt.Average(), 1),
            ["is_ess_prior"] = Math.Round(essPrior.Average(), 1),
        };
    }

    /// <summary>The network's posteriors for a batch, back on the CPU (which also waits for a device to finish).</summary>
    private static GmmTensors Gmm(DistributionTransformer model, MetaBatch b)
    {
        using var ng = no_grad();
        var q = model.Forward(b.Prior, b.Observations).Posterior;
        return q.Means.device_type == DeviceType.CPU ? q : new GmmTensors(q.LogWeights.cpu(), q.Means.cpu(), q.ScaleTrils.cpu());
    }

    /// <summary>Fits N(m, s²) to p(y | z) by maximising the ELBO (1000 Adam steps, 10 draws each) and returns its KL from the exact posterior.</summary>
    private static double Svi(Tensor phi, Tensor z, Ppl.Distributions.Tensors.InverseGamma exact, Tensor ys, Tensor logP, int i, int seed)
    {
        using var scope = NewDisposeScope();
        var a = phi[0].item<double>();
        var b = phi[1].item<double>();
        var sumSq = z.Squared().sum().item<double>();
        var m = new TorchSharp.Modules.Parameter(torch.tensor(Math.Log(b + 0.5 * sumSq) - Math.Log(a + 5)));
        var logS = new TorchSharp.Modules.Parameter(torch.tensor(0.0));
        using var opt = new Ppl.Inference.Optimization.AdamWOptimizer([m, logS], learningRate: 0.02);
        var g = new Rng(seed).TorchGenerator();
        for (var step = 0; step < 1000; step++)
        {
            using var inner = NewDisposeScope();
            var eps = randn(new long[] { 10 }, ScalarType.Float64, generator: g);
            var y = m.Plus(logS.exp() * eps);
            // log p(y, z) = log InvGamma(eʸ; a, b) + y + Σ log N(zᵢ; 0, eʸ) up to constants.
            var logJoint = y.Times(-a) - (-y).exp().Times(b) - y.Times(0.5 * N) - (-y).exp().Times(0.5 * sumSq);
            var elbo = logJoint.mean().Plus(logS);
            opt.ZeroGradients();
            (-elbo).backward();
            opt.Step();
        }
        using var ng = no_grad();
        var yi = ys[.., i];
        var s = logS.exp();
        var logQ = (((yi - m) / s).Squared().Times(-0.5) - s.log()).Minus(0.5 * Math.Log(2 * Math.PI));
        return (logP[.., i] - logQ).mean().item<double>();
    }

    /// <summary>The standard error of log Ẑ from the weights (delta method: the standard error of the mean weight over the mean weight).</summary>
    private static double LogEvidenceSe(IReadOnlyList<double> logWeights)
    {
        var max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var m = w.Average();
        return Math.Sqrt(w.Sum(v => (v - m) * (v - m)) / (w.Length - 1) / w.Length) / m;
    }

    private static string F(double x) => x.ToString("F5", CultureInfo.InvariantCulture);
}
