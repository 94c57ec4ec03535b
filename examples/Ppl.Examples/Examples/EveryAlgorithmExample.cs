using System.Globalization;
using Ppl.Inference;
using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Variational;
using Spectre.Console;
using static TorchSharp.torch;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Examples;

/// <summary>
/// One [Model] (<see cref="EveryAlgorithmModels.Switch"/>: a continuous and a discrete latent) through every inference
/// family Ppl has, each row an estimate of E[μ | y] or log p(y) next to the exact value and a z-score against the
/// algorithm's own Monte Carlo standard error. The model is written once; only NUTS, which moves continuous choices,
/// gets the user's marginalised version of it (s summed out), as a Stan user would write.
/// </summary>
internal sealed class EveryAlgorithmExample : IExample
{
    /// <summary>The data: five observations whose mean lies between the two values of s, so both keep posterior mass.</summary>
    internal static readonly double[] Data = [0.3, 1.6, 0.9, 1.8, 0.7];

    public string Name => "every-algorithm";

    public string Description => "one [Model] with a continuous and a discrete latent through every algorithm, each against the exact posterior";

    /// <summary>One estimate: the algorithm, what it estimates, the estimate, the exact value and the Monte Carlo standard error.</summary>
    private sealed record Row(string Algorithm, string Quantity, double Estimate, double Exact, double Se)
    {
        public double Z => (Estimate - Exact) / Se;
    }

    private static readonly Address Mu = "mu";
    private static readonly Address S = "s";

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        set_num_threads(1);
        var model = EveryAlgorithmModels.SwitchModel;
        var exact = EveryAlgorithmExact.For(Data);
        var scale = context.Double("scale", 1.0);
        int Size(int n) => Math.Max(10, (int)(n * scale));
        var seed = (ulong)context.Seed;
        var rows = new List<Row>();
        void Add(string algorithm, string quantity, (double Estimate, double Se) e) =>
            rows.Add(new Row(algorithm, quantity, e.Estimate, Exact(exact, quantity), e.Se));

        // Importance sampling with the prior as proposal: one weighted population.
        // Every result converts to one Posterior (draws or weighted draws by address, means with their Monte Carlo error).
        var imp = ImportanceSampling.Run(model, Data, ChoiceMap.Empty, Size(20_000), new Rng(seed)).ToPosterior();
        Add("importance sampling", "log Z", (imp.LogEvidence, imp.LogEvidenceStandardError));
        Add("importance sampling", "E[mu]", imp.Mean("mu"));
        Add("importance sampling", "P(s=1)", imp.Mean("s"));

        // SMC: independent runs; Ẑ is unbiased, so the runs' mean Ẑ is compared (its log, with the delta-method error).
        var runs = Size(40);
        AddRuns(rows, exact, "bootstrap SMC", runs, r =>
        {
            var smc = BootstrapSmc.Run(model, Data, ChoiceMap.Empty, 200, new Rng(seed + 100 + (ulong)r));
            return (smc.LogEvidence, smc.Samples.Mean(t => t.Get<double>(Mu)));
        });
        AddRuns(rows, exact, "resample-move SMC", runs, r =>
        {
            var smc = ResampleMove.Run(model, Data, ChoiceMap.Empty, 100, _ => Selection.At(Mu, S), new Rng(seed + 200 + (ulong)r), mhSteps: 2);
            return (smc.LogEvidence, smc.Samples.Mean(t => t.Get<double>(Mu)));
        });

        // PMMH: μ is the parameter, s the state that the inner SMC sums over; the chain's mean of μ with its MCSE.
        var pmmh = Pmmh.Model(model, Data, ChoiceMap.Empty, ChoiceMap.Empty.Set(Mu, 0.0),
            Pmmh.RandomWalk(new Dictionary<Address, double> { [Mu] = 0.8 }), 30, Size(4000), new Rng(seed + 300));
        Add("PMMH", "E[mu]", pmmh.ToPosterior(warmup: pmmh.Chain.Count / 10).Mean("mu"));

        // MCMC over traces: MH with the prior as proposal at each choice, and Gibbs on s with NUTS on μ.
        var settings = new McmcSettings { Chains = 4, Warmup = Size(500), Draws = Size(2000) };
        var mh = McmcSampler.Sample(model, Data, ChoiceMap.Empty,
            // Single-site moves, and a joint one: μ and s are correlated a posteriori, so s alone rarely switches.
            Kernel.Cycle(Kernel.Mh<double[], double>(Selection.At(Mu)), Kernel.Mh<double[], double>(Selection.At(S)), Kernel.Mh<double[], double>(Selection.At(Mu, S))),
            settings with { Draws = Size(4000) }, new Rng(seed + 400), ["mu", "s"], t => [t.Get<double>(Mu), t.Get<bool>(S) ? 1 : 0]);
        Add("MH", "E[mu]", mh.ToPosterior().Mean("mu"));
        Add("MH", "P(s=1)", mh.ToPosterior().Mean("s"));
        var gibbs = McmcSampler.Sample(model, Data, ChoiceMap.Empty,
            Kernel.Cycle(Kernel.Gibbs<double[], double>(S), Kernel.On<double[], double>(Selection.At(Mu), new NutsKernel(), settings.Warmup)),
            settings with { Draws = Size(1000) }, new Rng(seed + 500), ["mu", "s"], t => [t.Get<double>(Mu), t.Get<bool>(S) ? 1 : 0]);
        Add("Gibbs(s) + NUTS(mu)", "E[mu]", gibbs.ToPosterior().Mean("mu"));
        Add("Gibbs(s) + NUTS(mu)", "P(s=1)", gibbs.ToPosterior().Mean("s"));
        var nuts = McmcSampler.Sample(EveryAlgorithmModels.SwitchMarginalisedModel, Data, ChoiceMap.Empty, new NutsKernel(),
            settings with { Draws = Size(1000) }, new Rng(seed + 600));
        Add("NUTS (s summed out)", "E[mu]", nuts.ToPosterior().Mean("mu"));

        // Variational inference: a guide q(s) q(μ | s) trained by ELBO and by IWELBO, then used as an importance proposal
        // (the fitted guide's weights p/q make its estimates exact asymptotically, so its error is Monte Carlo error).
        foreach (var (name, iw) in new[] { ("VI (ELBO)", 1), ("VI (IWELBO, K=8)", 8) })
        {
            var guide = Guide();
            var q = Vi.Guide(guide, Unit.Value);
            var objective = iw == 1 ? Objectives.Elbo(model, Data, q) : Objectives.Iwelbo(model, Data, q, iw);
            Trainer.Maximize(objective, [guide.Parameters], new TrainOptions { Steps = Size(300), LearningRate = 0.05, Particles = 16 }, new Rng(seed + 700 + (ulong)iw));
            var (logZ, mean, shifted) = GuideAsProposal(model, q, Size(4000), new Rng(seed + 800 + (ulong)iw));
            Add(name, "log Z", logZ);
            Add(name, "E[mu]", mean);
            Add(name, "P(s=1)", shifted);
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"every algorithm on one [Model] (exact log Z {F(exact.LogEvidence)}, E[mu] {F(exact.PosteriorMeanMu)}, P(s=1) {F(exact.ProbabilityShifted)})"))
            .AddColumns("algorithm", "quantity", "estimate", "exact", "MC s.e.", "z");
        foreach (var r in rows) table.AddRow(Markup.Escape(r.Algorithm), Markup.Escape(r.Quantity), F(r.Estimate), F(r.Exact), F(r.Se), r.Z.ToString("F2", CultureInfo.InvariantCulture));
        context.Console.Write(table);
        var worst = rows.Max(r => Math.Abs(r.Z));
        context.Console.MarkupLine($"largest |z| = [bold]{worst:F2}[/] over {rows.Count} estimates (|z| ≤ 5 expected)");
        return new Dictionary<string, object>
        {
            ["rows"] = rows.Select(r => new Dictionary<string, object>
            {
                ["algorithm"] = r.Algorithm,
                ["quantity"] = r.Quantity,
                ["estimate"] = Math.Round(r.Estimate, 6),
                ["exact"] = Math.Round(r.Exact, 6),
                ["se"] = Math.Round(r.Se, 6),
                ["z"] = Math.Round(r.Z, 3),
            }).ToList(),
            ["max_abs_z"] = Math.Round(worst, 3),
            ["data"] = Data,
            ["shift"] = EveryAlgorithmModels.Shift,
        };
    }

    /// <summary>q(s) = Bernoulli(σ(ℓ)), q(μ | s) = N(m_s, exp(log σ_s)²): the guide the VI rows train (REINFORCE at s).</summary>
    private static DynamicModel<Unit, Unit> Guide() => DynamicModel.Create("switch-guide", t =>
    {
        var logit = t.Param("s_logit", () => tensor(0.0));
        var means = t.Param("mu_mean", () => tensor(new[] { 0.0, 0.0 }));
        var logSds = t.Param("mu_log_sd", () => tensor(new[] { -0.5, -0.5 }));
        var s = t.Sample(S, new T.Bernoulli(logits: logit).Reinforce(Baseline.RunningAverage(0.9)));
        using var index = s.to(ScalarType.Int64);
        var mean = means.index_select(0, index.reshape(-1)).reshape(s.shape);
        var sd = logSds.index_select(0, index.reshape(-1)).reshape(s.shape).exp();
        t.Sample(Mu, new T.Normal(mean, sd).Reparam());
        return Unit.Value;
    });

    /// <summary>Importance sampling of the model with the trained guide as proposal, through the VI language: log Z and E[μ].</summary>
    private static ((double, double) LogZ, (double, double) Mean, (double, double) Shifted) GuideAsProposal(IGenerativeFunction<double[], double> model, ISpDistribution q, int particles, Rng rng)
    {
        double[] logWeights = [];
        double[] mus = [];
        double[] shifted = [];
        using (var scope = NewDisposeScope())
        {
            new Expectation(vi =>
            {
                var (choices, logQ) = q.RandomWeighted(vi);
                var logW = vi.Density(model, Data, choices) - logQ;
                logWeights = logW.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                mus = ((Tensor)choices[Mu]!).detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                shifted = ((Tensor)choices[S]!).detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                return logW.mean();
            }).Value(rng, particles);
        }
        return (LogMeanExp(logWeights), SelfNormalised(logWeights, i => mus[i]), SelfNormalised(logWeights, i => shifted[i]));
    }

    /// <summary>The exact value of a quantity.</summary>
    private static double Exact(EveryAlgorithmExact exact, string quantity) => quantity switch
    {
        "log Z" => exact.LogEvidence,
        "E[mu]" => exact.PosteriorMeanMu,
        "P(s=1)" => exact.ProbabilityShifted,
        _ => throw new ArgumentException($"No exact value for '{quantity}'.", nameof(quantity)),
    };

    /// <summary>Rows from independent runs: log of the runs' mean Ẑ (delta method) and the runs' mean estimate of E[μ].</summary>
    private static void AddRuns(List<Row> rows, EveryAlgorithmExact exact, string algorithm, int runs, Func<int, (double LogZ, double Mean)> run)
    {
        var results = Enumerable.Range(0, runs).Select(run).ToArray();
        var logZ = LogMeanExp(results.Select(r => r.LogZ).ToArray());
        rows.Add(new Row(algorithm, "log Z", logZ.Estimate, exact.LogEvidence, logZ.Se));
        var means = results.Select(r => r.Mean).ToArray();
        var m = means.Average();
        rows.Add(new Row(algorithm, "E[mu]", m, exact.PosteriorMeanMu, Math.Sqrt(means.Sum(x => (x - m) * (x - m)) / (runs - 1) / runs)));
    }

    /// <summary>log of the mean of exp(lᵢ), with the delta-method standard error sd(w)/(√n·mean(w)).</summary>
    private static (double Estimate, double Se) LogMeanExp(IReadOnlyList<double> logWeights)
    {
        var max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var mean = w.Average();
        var variance = w.Sum(x => (x - mean) * (x - mean)) / (w.Length - 1);
        return (max + Math.Log(mean), Math.Sqrt(variance / w.Length) / mean);
    }

    /// <summary>The self-normalised estimate Σ Wᵢ f(i) with its delta-method standard error √(Σ Wᵢ² (f(i) − estimate)²).</summary>
    private static (double Estimate, double Se) SelfNormalised(IReadOnlyList<double> logWeights, Func<int, double> f)
    {
        var max = logWeights.Max();
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var total = w.Sum();
        var values = Enumerable.Range(0, w.Length).Select(f).ToArray();
        var estimate = values.Select((v, i) => w[i] * v).Sum() / total;
        var se = Math.Sqrt(values.Select((v, i) => w[i] * w[i] * (v - estimate) * (v - estimate)).Sum()) / total;
        return (estimate, se);
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
}
