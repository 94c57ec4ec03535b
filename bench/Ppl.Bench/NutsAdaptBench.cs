using System.Globalization;
using Ppl;
using Ppl.Inference;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Ppl.Tests.Shared;

/// <summary>
/// Step-size adaptation on hard and easy geometry: NUTS at several target acceptance rates on the centred eight
/// schools (a funnel) and on a 10-dimensional standard normal, reporting the mean acceptance statistic after warm-up
/// against the target, divergences, R-hat and how far down the funnel the τ draws reach.
/// Usage: <c>dotnet run -c Release --project bench/Ppl.Bench -- nuts-adapt [--targets 0.8,0.95] [--seed 1] [--runs 3]
/// [--chains 4] [--warmup 1000] [--draws 1000]</c>; each run r uses seed + 1000 r.
/// </summary>
internal static class NutsAdaptBench
{
    /// <summary>The reference posterior's 5% quantile of τ in the eight schools (posteriordb's reference draws).</summary>
    private const double TauQ5 = 0.257;

    public static Dictionary<string, object> Run(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var inv = CultureInfo.InvariantCulture;
        var targets = (Arg("--targets") ?? "0.8,0.95").Split(',').Select(s => double.Parse(s, inv)).ToArray();
        var seed = int.Parse(Arg("--seed") ?? "1", inv);
        var runs = int.Parse(Arg("--runs") ?? "3", inv);
        var settings = new McmcSettings
        {
            Chains = int.Parse(Arg("--chains") ?? "4", inv),
            Warmup = int.Parse(Arg("--warmup") ?? "1000", inv),
            Draws = int.Parse(Arg("--draws") ?? "1000", inv),
        };
        var figures = new Dictionary<string, object> { ["benchmark"] = "nuts-adapt", ["seed"] = seed, ["runs"] = runs };
        var schoolsModel = ModelDensity.Create(Ppl.Bench.NutsAdaptModels.CentredEightSchoolsModel, (CentredEightSchools.Y, CentredEightSchools.Sigma), ChoiceMap.Empty);
        var models = new (string, IDifferentiableDensity)[]
        {
            ("eight_schools_centred", new CentredEightSchools()), ("eight_schools_centred_model", schoolsModel), ("std_normal_10", new StdNormal(10)),
        };
        // The [Model] form and the hand-written density must be the same posterior (up to a constant).
        var check = new Rng(5);
        double? offset = null;
        for (var k = 0; k < 20; k++)
        {
            var x = Enumerable.Range(0, 10).Select(_ => 3 * check.NextGaussian()).ToArray();
            double[] g1 = new double[10], g2 = new double[10];
            var d = schoolsModel.LogDensityAndGradient(x, g1) - models[0].Item2.LogDensityAndGradient(x, g2);
            offset ??= d;
            if (Math.Abs(d - offset.Value) > 1e-8 || g1.Zip(g2).Any(p => Math.Abs(p.First - p.Second) > 1e-8 * (1 + Math.Abs(p.First))))
                throw new InvalidOperationException($"The [Model] form and the hand-written centred eight schools differ at ({string.Join(", ", x)}).");
        }
        if (args.Contains("--trace"))
        {
            foreach (var target in targets) Trace(new CentredEightSchools(), target, seed, settings);
            return figures;
        }
        var only = Arg("--models")?.Split(',');
        foreach (var (model, density) in models.Where(m => only is null || only.Contains(m.Item1)))
        {
            var perTarget = new Dictionary<string, object>();
            foreach (var target in targets)
            {
                var rows = new List<Dictionary<string, double>>();
                for (var r = 0; r < runs; r++)
                {
                    var result = McmcSampler.Sample(density, new NutsKernel { TargetAccept = target }, settings, new Rng(seed + 1000 * r));
                    var summary = Summary.Of(result.Names, [.. Enumerable.Range(0, result.Names.Count).Select(result.Parameter)]);
                    var row = new Dictionary<string, double>
                    {
                        ["mean_accept_stat"] = Math.Round(result.MeanAcceptStat, 4),
                        ["divergences"] = result.Divergences,
                        ["max_rhat"] = Math.Round(summary.MaxRhat, 3),
                        ["step_size_mean"] = Math.Round(result.Stats.Average(c => c[0].StepSize), 4),
                        ["mean_leapfrogs"] = Math.Round(result.Stats.SelectMany(c => c).Average(s => s.LeapfrogSteps), 1),
                    };
                    if (model.StartsWith("eight_schools", StringComparison.Ordinal))
                    {
                        var tau = result.Parameter(1).SelectMany(c => c).Select(Math.Exp).ToArray();
                        row["min_tau"] = Math.Round(tau.Min(), 4);
                        row["tau_below_ref_q5"] = tau.Count(t => t < TauQ5);
                        row["rhat_log_tau"] = Math.Round(summary.Rows[1].Rhat, 3);
                    }
                    rows.Add(row);
                    Console.WriteLine($"{model} target {target.ToString(inv)} seed {seed + 1000 * r}: " +
                                      string.Join(", ", row.Select(kv => $"{kv.Key} {kv.Value.ToString(inv)}")) +
                                      "; step sizes " + string.Join(" ", result.Stats.Select(c => c[0].StepSize.ToString("F4", inv))) +
                                      "; divergences per chain " + string.Join(" ", result.Stats.Select(c => c.Count(t => t.Divergent))));
                }
                perTarget[target.ToString(inv)] = rows;
            }
            figures[model] = perTarget;
        }
        return figures;
    }

    /// <summary>Per chain: the step size at each window end, the accept statistics of the terminal buffer and after warm-up.</summary>
    private static void Trace(IDifferentiableDensity density, double target, int seed, McmcSettings settings)
    {
        var streams = new Rng(seed).Split(settings.Chains);
        var kernel = new NutsKernel { TargetAccept = target };
        var inv = CultureInfo.InvariantCulture;
        for (var c = 0; c < settings.Chains; c++)
        {
            var rng = streams[c];
            var x0 = Enumerable.Range(0, density.Dimension).Select(_ => 4 * rng.NextDouble() - 2).ToArray();
            var state = kernel.Init(density, x0, settings.Warmup, rng);
            var log = new List<string>();
            var accepts = new List<double>();
            var tauWarm = new List<double>();
            var divWarm = 0;
            for (var i = 0; i < settings.Warmup; i++)
            {
                var prevMetric = state.Metric;
                state = kernel.Step(density, state, rng);
                accepts.Add(state.Stats.AcceptStat);
                if (state.Stats.Divergent) divWarm++;
                tauWarm.Add(state.Position[1]);
                if (!ReferenceEquals(prevMetric, state.Metric) || i == settings.Warmup - 1)
                {
                    var from = Math.Max(0, accepts.Count - 25);
                    log.Add($"it {i}: eps {state.StepSize:F4} acc(last25) {accepts.Skip(from).Average():F3} div {divWarm} logtau {tauWarm.Skip(from).Average():F2}");
                    divWarm = 0;
                }
            }
            var post = new List<double>();
            var div = 0;
            var lt = new List<double>();
            for (var i = 0; i < settings.Draws; i++)
            {
                state = kernel.Step(density, state, rng);
                post.Add(state.Stats.AcceptStat);
                if (state.Stats.Divergent) div++;
                lt.Add(state.Position[1]);
            }
            Console.WriteLine($"target {target.ToString(inv)} chain {c}: " + string.Join(" | ", log));
            Console.WriteLine($"   after warm-up: eps {state.StepSize:F4} acc {post.Average():F3} div {div} logtau mean {lt.Average():F2} min {lt.Min():F2}; " +
                              $"acc by quarter {string.Join(" ", Enumerable.Range(0, 4).Select(q => post.Skip(q * post.Count / 4).Take(post.Count / 4).Average().ToString("F3", inv)))}");
        }
    }

}
