using System.Globalization;
using Ppl.Inference;
using Ppl.Inference.Amortized.Brain;
using Ppl.Inference.Amortized.Brain.Generative;
using Ppl.Inference.Amortized.Programs;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Ppl.Inference.Variational;
using Spectre.Console;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// One [Model] (<see cref="EveryAlgorithmModels.Switch"/>: a continuous and a discrete latent) through every inference
/// family Ppl has, each row an estimate of E[μ | y] or log p(y) next to the exact value and a z-score against the
/// algorithm's own Monte Carlo standard error. The model is written once; NUTS, which moves continuous choices, runs on
/// it with s summed out of the density exactly (<c>McmcSettings.SumOutDiscrete</c>), reporting E[s | μ, y] per draw.
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
        var n = Data.Length;
        var observations = Observations();
        var exact = EveryAlgorithmExact.For(Data);
        var scale = context.Double("scale", 1.0);
        int Size(int count) => Math.Max(10, (int)(count * scale));
        var seed = (ulong)context.Seed;
        var rows = new List<Row>();

        // One progress step per algorithm family (the rows arrive as each finishes).
        const int families = 14;
        context.WithProgress("every algorithm", progress =>
        {
            void Add(string algorithm, string quantity, (double Estimate, double Se) e) =>
                rows.Add(new Row(algorithm, quantity, e.Estimate, Exact(exact, quantity), e.Se));
            void AddPosterior(string algorithm, Posterior p, bool evidence)
            {
                if (evidence) Add(algorithm, "log Z", (p.LogEvidence, p.LogEvidenceStandardError));
                Add(algorithm, "E[mu]", p.Mean("mu"));
                Add(algorithm, "P(s=1)", p.Mean("s"));
            }
            var done = 0;
            void Done() => progress.Report(new Ppl.Inference.Progress(++done, families));

            // Every result converts to one Posterior (draws or weighted draws by address, means with their Monte Carlo error).
            // Importance sampling with the prior as proposal: one weighted population.
            AddPosterior("importance sampling", ImportanceSampling.Run(model, n, observations, Size(20_000), new Rng(seed)).ToPosterior(), evidence: true);
            Done();

            // SMC: independent runs; Ẑ is unbiased, so the runs' mean Ẑ is compared (its log, with the delta-method error).
            // The observations are values of Sample sites: each is a pause, as an Observe would be.
            var runs = Size(40);
            AddRuns(rows, exact, "bootstrap SMC", runs, r =>
            {
                var smc = BootstrapSmc.Run(model, n, observations, 200, new Rng(seed + 100 + (ulong)r));
                return (smc.LogEvidence, smc.Samples.Mean(t => t.Get<double>(Mu)));
            });
            Done();
            AddRuns(rows, exact, "resample-move SMC", runs, r =>
            {
                var smc = ResampleMove.Run(model, n, observations, 100, _ => Selection.At(Mu, S), new Rng(seed + 200 + (ulong)r), mhSteps: 2);
                return (smc.LogEvidence, smc.Samples.Mean(t => t.Get<double>(Mu)));
            });
            Done();
            // Tempered SMC from the prior to the posterior on a fixed schedule (so Ẑ stays unbiased), MH moves at every stage.
            var schedule = new TemperedSmcSettings { Temperatures = [0, 0.05, 0.2, 0.5, 1], MoveSteps = 2 };
            AddRuns(rows, exact, "tempered SMC", runs, r =>
            {
                var smc = TemperedSmc.Run(model, n, observations, 100, new Rng(seed + 250 + (ulong)r), schedule);
                return (smc.LogEvidence, smc.Mean(Mu));
            });
            Done();

            // SMC²: μ as the parameter (θ-particles from its prior, each with an inner filter over s), PMMH rejuvenation.
            AddRuns(rows, exact, "SMC² (θ = mu)", Size(20), r =>
            {
                var smc2 = Smc2.Model(model, n, observations, Selection.At(Mu), 50, 10, new Rng(seed + 270 + (ulong)r),
                    new Smc2Settings { Proposal = Pmmh.RandomWalk(new Dictionary<Address, double> { [Mu] = 0.5 }) });
                return (smc2.LogEvidence, smc2.ToPosterior().Mean("mu").Mean);
            });
            Done();

            // PMMH: μ is the parameter, s the state that the inner SMC sums over; the chain's mean of μ with its MCSE.
            var pmmh = Pmmh.Model(model, n, observations, ChoiceMap.Empty.Set(Mu, 0.0),
                Pmmh.RandomWalk(new Dictionary<Address, double> { [Mu] = 0.8 }), 30, Size(4000), new Rng(seed + 300));
            Add("PMMH", "E[mu]", pmmh.ToPosterior(warmup: pmmh.Chain.Count / 10).Mean("mu"));
            Done();
            // Particle Gibbs: conditional SMC sweeps (the reference path kept, ancestor sampling) move μ and s together.
            var pg = ParticleGibbs.Model(model, n, observations, 20, Size(3000), new Rng(seed + 350));
            AddPosterior("particle Gibbs", pg.ToPosterior(burnIn: pg.Chain.Count / 10), evidence: false);
            Done();

            // MCMC over traces: MH with the prior as proposal at each choice, and Gibbs on s with NUTS on μ.
            var settings = new McmcSettings { Chains = 4, Warmup = Size(500), Draws = Size(2000) };
            var mh = McmcSampler.Sample(model, n, observations,
                // Single-site moves, and a joint one: μ and s are correlated a posteriori, so s alone rarely switches.
                Kernel.Cycle(Kernel.Mh<int, double>(Selection.At(Mu)), Kernel.Mh<int, double>(Selection.At(S)), Kernel.Mh<int, double>(Selection.At(Mu, S))),
                settings with { Draws = Size(4000) }, new Rng(seed + 400), ["mu", "s"], t => [t.Get<double>(Mu), t.Get<bool>(S) ? 1 : 0]);
            AddPosterior("MH", mh.ToPosterior("MH"), evidence: false);
            Done();
            var gibbs = McmcSampler.Sample(model, n, observations,
                Kernel.Cycle(Kernel.Gibbs<int, double>(S), Kernel.On<int, double>(Selection.At(Mu), new NutsKernel(), settings.Warmup)),
                settings with { Draws = Size(1000) }, new Rng(seed + 500), ["mu", "s"], t => [t.Get<double>(Mu), t.Get<bool>(S) ? 1 : 0]);
            AddPosterior("Gibbs(s) + NUTS(mu)", gibbs.ToPosterior("Gibbs + NUTS"), evidence: false);
            Done();
            // NUTS on the same model: s summed out of the density by enumeration; each draw reports P(s = 1 | μ, y).
            var nuts = McmcSampler.Sample(model, n, observations, new NutsKernel(),
                settings with { Draws = Size(1000), SumOutDiscrete = true }, new Rng(seed + 600));
            AddPosterior("NUTS (s summed out)", nuts.ToPosterior("NUTS"), evidence: false);
            Done();

            // Variational inference: a guide q(s) q(μ | s) trained by ELBO and by IWELBO, then used as an importance proposal
            // (the fitted guide's weights p/q make its estimates exact asymptotically, so its error is Monte Carlo error).
            foreach (var (name, iw) in new[] { ("VI (ELBO)", 1), ("VI (IWELBO, K=8)", 8) })
            {
                // The guide's parameters, owned by this run: σ⁻¹(q(s)), m_s and log σ_s (see EveryAlgorithmModels.SwitchGuide).
                Tensor[] parameters = [tensor(0.0).requires_grad_(true), tensor(new[] { 0.0, 0.0 }).requires_grad_(true), tensor(new[] { -0.5, -0.5 }).requires_grad_(true)];
                var q = Vi.Guide(EveryAlgorithmModels.SwitchGuideModel, (parameters[0], parameters[1], parameters[2]));
                var objective = iw == 1 ? Objectives.Elbo(model, n, observations, q) : Objectives.Iwelbo(model, n, observations, q, iw);
                Trainer.Maximize(objective, [], new TrainOptions { Steps = Size(300), LearningRate = 0.05, Particles = 16 }, new Rng(seed + 700 + (ulong)iw), parameters);
                AddPosterior(name, GuideAsProposal(model, n, observations, q, Size(4000), new Rng(seed + 800 + (ulong)iw)), evidence: true);
                Done();
            }

            // The Distribution Transformer, trained on simulations of the same [Model] (μ latent, y observed, by address), its
            // posterior for these data the importance proposal of μ (s from its prior): exact asymptotically.
            var dt = new TracedMetaModel<int, double>(model, n, [DtLatent.Real("mu")], DtObserved.Indexed(i => new Address("y", i)), DtPriorToken<int>.FittedToPrior(2));
            var transformer = dt.CreateTransformer(DtSizes, seed: (long)seed + 900);
            DtTrainer.Train(transformer, dt, new DtTrainingOptions { Steps = Size(300), BatchSize = 128, LearningRate = 3e-3, WarmupSteps = 30 }, new Rng(seed + 901));
            var dtPosterior = dt.Posterior(transformer, n, observations);
            AddPosterior("DT proposal (IS)", ImportanceSampling.Run(model, n, observations, dtPosterior.Proposal, Unit.Value, Size(4000), new Rng(seed + 902)).ToPosterior(), evidence: true);
            Done();

            // BRAIn: a policy [Model] q(s, μ) distilled towards the target p(s, μ) · p(y | s, μ), the model conditioned on the
            // data (log ℓ = the observed sites' log density); then importance sampling with the trained policy.
            var target = new GenerativeTarget<int, int, double>(model, x => x, observations: _ => observations).ToDistillationTarget();
            var projected = new ProjectedTarget<int, ChoiceMap>(target, ToTensors, ToDoubles).ToDistillationTarget();
            var policy = new GenerativeFamily<int, Tensor>(EveryAlgorithmModels.SwitchPolicyModel, [n]);
            BrainTrainer.Train(projected, policy, [n], new BrainTrainingOptions { SamplesPerPrompt = 32, GroupsPerStep = 1, Steps = Size(300), RefreshEvery = 50, Proposal = ProposalSource.PolicySnapshot, LearningRate = 0.05, Seed = seed + 1000 });
            AddPosterior("BRAIn policy (IS)", PolicyAsProposal(model, n, observations, EveryAlgorithmModels.SwitchPolicyModel, Size(4000), new Rng(seed + 1001)), evidence: true);
            Done();
            return rows.Count;
        });

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
                // Unrounded: a proposal that is the exact posterior (BRAIn's family contains it) has a tiny error.
                ["estimate"] = r.Estimate,
                ["exact"] = r.Exact,
                ["se"] = r.Se,
                ["z"] = Math.Round(r.Z, 3),
            }).ToList(),
            ["max_abs_z"] = Math.Round(worst, 3),
            ["data"] = Data,
            ["shift"] = EveryAlgorithmModels.Shift,
        };
    }

    /// <summary>Importance sampling of the model with the trained guide as proposal, through the VI language.</summary>
    private static Posterior GuideAsProposal(IGenerativeFunction<int, double> model, int n, ChoiceMap observations, ISpDistribution q, int particles, Rng rng)
    {
        double[] logWeights = [];
        double[] mus = [];
        double[] shifted = [];
        using (var scope = NewDisposeScope())
        {
            new Expectation(vi =>
            {
                var (choices, logQ) = q.RandomWeighted(vi);
                var logW = vi.Density(model, n, choices.Merge(observations)) - logQ;
                logWeights = logW.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                mus = ((Tensor)choices[Mu]!).detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                shifted = ((Tensor)choices[S]!).detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
                return logW.mean();
            }).Value(rng, particles);
        }
        var (logZ, se) = Posterior.LogMeanExp(logWeights);
        return new Posterior("VI guide as proposal", ["mu", "s"], mus.Select((m, i) => new[] { m, shifted[i] }).ToArray(), logWeights,
            logEvidence: logZ, logEvidenceStandardError: se);
    }

    /// <summary>
    /// Importance sampling of the model with a trained policy program as proposal: each draw's weight is
    /// log p(s, μ, y) − log q(s, μ), both by Assess (the policy's tensor draws read as numbers).
    /// </summary>
    private static Posterior PolicyAsProposal(IGenerativeFunction<int, double> model, int n, ChoiceMap observations, IGenerativeFunction<int, Tensor> policy, int particles, Rng rng)
    {
        var logWeights = new double[particles];
        var draws = new double[particles][];
        using var _ = no_grad();
        for (var i = 0; i < particles; i++)
        {
            using var scope = NewDisposeScope();
            var trace = policy.Simulate(n, rng);
            var choices = ToDoubles(trace.Choices);
            logWeights[i] = model.Assess(n, choices.Merge(observations)).Weight - trace.Score;
            draws[i] = [choices.Get<double>(Mu), choices.Get<bool>(S) ? 1 : 0];
        }
        var (logZ, se) = Posterior.LogMeanExp(logWeights);
        return new Posterior("BRAIn policy as proposal", ["mu", "s"], draws, logWeights, logEvidence: logZ, logEvidenceStandardError: se);
    }

    /// <summary>The policy's tensor choices as the model's values (μ a double, s a bool).</summary>
    private static ChoiceMap ToDoubles(ChoiceMap policyChoices) => ChoiceMap.Empty
        .Set(Mu, ((Tensor)policyChoices[Mu]!).item<double>())
        .Set(S, ((Tensor)policyChoices[S]!).item<double>() != 0);

    /// <summary>The model's values as the policy's tensor choices.</summary>
    private static ChoiceMap ToTensors(ChoiceMap modelChoices) => ChoiceMap.Empty
        .Set(Mu, tensor(modelChoices.Get<double>(Mu), ScalarType.Float64).DetachFromDisposeScope())
        .Set(S, tensor(modelChoices.Get<bool>(S) ? 1.0 : 0.0, ScalarType.Float64).DetachFromDisposeScope());

    /// <summary>The data as observations of the model's Sample sites y/i.</summary>
    internal static ChoiceMap Observations()
    {
        var map = ChoiceMap.Empty;
        for (var i = 0; i < Data.Length; i++) map = map.Set(new Address("y", i), Data[i]);
        return map;
    }

    /// <summary>A small DT: enough for a one-dimensional posterior, trained in seconds.</summary>
    private static readonly DtConfig DtSizes = new()
    {
        Components = 3, ObservationScaling = ObservationScaling.Asinh, ModelDimension = 16, Heads = 2, Layers = 1, FeedForward = 32, EmbeddingHidden = 16,
    };

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
        var logZ = Posterior.LogMeanExp(results.Select(r => r.LogZ).ToArray());
        rows.Add(new Row(algorithm, "log Z", logZ.Estimate, exact.LogEvidence, logZ.StandardError));
        var means = results.Select(r => r.Mean).ToArray();
        var m = means.Average();
        rows.Add(new Row(algorithm, "E[mu]", m, exact.PosteriorMeanMu, Math.Sqrt(means.Sum(x => (x - m) * (x - m)) / (runs - 1) / runs)));
    }

    private static string F(double x) => x.ToString("F4", CultureInfo.InvariantCulture);
}
