using System.Diagnostics;
using Ppl;
using Ppl.Autodiff;
using Ppl.Bench;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using static Ppl.Autodiff.RealMath;

/// <summary>
/// NUTS (Stan's warm-up, diagonal metric, 4 chains, 1000 + 1000) on three models written over
/// <see cref="Real"/>: ESS per second = min bulk ESS over parameters / sampling wall time (warm-up
/// excluded). Also the cost of one eight-schools gradient against a hand-written analytic gradient. Each model is
/// run on its hand-written density and as the [Model] method of <see cref="NutsBenchModels"/> through
/// <c>McmcSampler.Sample(model, …)</c> (its generated differentiable form), in the same process with the same settings and
/// seeds, the two taking turns run by run.
/// <para>
/// Each chain's sampling phase is also timed in CPU time of the thread that runs it: rstan 2.21's
/// <c>get_elapsed_time</c> reads C's <c>clock()</c>, the CPU time of its single-threaded process, so that
/// bench/stan/compare.sh compares like with like on a loaded machine (wall time there includes the time other
/// processes hold the core). The thread's clock leaves out the runtime's own threads (tier-1 JIT, background GC),
/// whose one-off work after start-up once added 20% to a 40 ms eight-schools run in process CPU time. Every run is
/// preceded by short runs of the same sampler until the JIT has settled, so no chain is timed on unoptimised code.
/// </para>
/// <para>
/// Options: <c>--export-data DIR</c> writes each model's data as JSON for Stan (bench/stan); <c>--seed N</c> seeds
/// the NUTS runs (default 7); <c>--runs eight_schools=10</c> runs a model that many times (seeds seed, seed + 1000, …)
/// and pools them (a longer run for a model that samples in milliseconds), the others once (without <c>--runs</c>: eight
/// schools 20 times, the logistic regression 3, the hierarchical model 2, each about a second of sampling per side: one eight-schools run samples for 50 ms, and its smallest bulk ESS moves by a tenth between seeds); <c>--samplers-only</c> skips the gradient
/// micro-benchmarks, <c>--gradients-only</c> runs only them; <c>--generated-only</c> runs NUTS on the [Model] forms only (not on the hand-written densities).
/// </para>
/// </summary>
internal static class NutsBenchmark
{
    private static readonly double[] Y = [28, 8, -3, 7, -1, 1, 18, 12];
    private static readonly double[] Sigma = [15, 10, 16, 11, 9, 11, 10, 18];

    /// <summary>Non-centred eight schools, vectorised as the Stan model is (fused prior and likelihood terms).</summary>
    private static Real EightSchools(ReadOnlySpan<Real> x)
    {
        var mu = x[0];
        var tau = Exp(x[1]);
        var z = x[2..];
        Span<Real> means = stackalloc Real[8];
        for (var j = 0; j < 8; j++) means[j] = mu + tau * z[j];
        return RealDensity.Normal(mu, 0, 5) + RealDensity.HalfCauchy(tau, 5) + x[1] + RealDensity.StdNormal(z) + RealDensity.Normal(Y, means, Sigma);
    }

    /// <summary>The same density one scalar term at a time (a Normal node and an addition per term), for the gradient-cost comparison.</summary>
    private static Real EightSchoolsScalar(ReadOnlySpan<Real> x)
    {
        var mu = x[0];
        var tau = Exp(x[1]);
        var lp = RealDensity.Normal(mu, 0, 5) + RealDensity.HalfCauchy(tau, 5) + x[1];
        for (var j = 0; j < 8; j++)
            lp += RealDensity.Normal(x[2 + j], 0, 1) + RealDensity.Normal(Y[j], mu + tau * x[2 + j], Sigma[j]);
        return lp;
    }

    /// <summary>The same log density and gradient by hand, the baseline for the AD cost.</summary>
    private static double EightSchoolsByHand(ReadOnlySpan<double> x, Span<double> g)
    {
        var mu = x[0];
        var tau = Math.Exp(x[1]);
        var lp = -0.5 * mu * mu / 25 + Math.Log(2 * 5 / Math.PI) - Math.Log(25 + tau * tau) + x[1];
        g[0] = -mu / 25;
        var dtau = -2 * tau / (25 + tau * tau);
        g[1] = 1;
        for (var j = 0; j < 8; j++)
        {
            var t = x[2 + j];
            var r = (Y[j] - mu - tau * t) / Sigma[j];
            lp += -0.5 * t * t - 0.5 * r * r - Math.Log(Sigma[j]);
            var dr = r / Sigma[j];
            g[0] += dr;
            dtau += dr * t;
            g[2 + j] = -t + dr * tau;
        }
        g[1] += dtau * tau;
        return lp;
    }

    /// <summary>Runs the benchmark (options in the class summary).</summary>
    public static Dictionary<string, object> Run(string[] args)
    {
        var figures = new Dictionary<string, object> { ["benchmark"] = "nuts" };
        var export = Array.IndexOf(args, "--export-data") is var e and >= 0 && e + 1 < args.Length ? args[e + 1] : null;
        if (export is not null) ExportData(export);
        var seed = Array.IndexOf(args, "--seed") is var si and >= 0 && si + 1 < args.Length ? int.Parse(args[si + 1], System.Globalization.CultureInfo.InvariantCulture) : 7;
        var samplersOnly = args.Contains("--samplers-only");
        var generatedOnly = args.Contains("--generated-only");
        // --runs eight_schools=10,hierarchical=2: that many runs of a model (seeds seed, seed + 1000, …), pooled.
        var runsSpec = Array.IndexOf(args, "--runs") is var ri and >= 0 && ri + 1 < args.Length ? args[ri + 1] : "";
        var runsPerModel = runsSpec.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        // Without --runs, each model samples for about a second on each side, so that the ratios are not one run's luck: a
        // single eight-schools run samples for tens of milliseconds, and one run's ESS moves by a tenth.
        if (runsSpec.Length == 0) runsPerModel = new Dictionary<string, int> { ["eight_schools"] = 20, ["logistic_regression"] = 3, ["hierarchical"] = 2 };
        int Runs(string model) => runsPerModel.GetValueOrDefault(model, 1);
        figures["seed"] = seed;
        var es = new AutodiffDensity(10, EightSchools);
        var x = Enumerable.Range(0, 10).Select(i => 0.1 * i - 0.3).ToArray();
        var g = new double[10];
        if (!samplersOnly) GradientTimings(figures, es, x, g);

        // The generated forms must be the same posteriors as the hand-written densities, coordinate for coordinate.
        var esModel = ModelDensity.Create(NutsBenchModels.EightSchoolsModel, (Y, Sigma), ChoiceMap.Empty);
        var logisticArgs = LogisticArgs();
        var logisticModel = ModelDensity.Create(NutsBenchModels.LogisticRegressionModel, logisticArgs, ChoiceMap.Empty);
        var hierarchicalArgs = HierarchicalArgs();
        var hierarchicalModel = ModelDensity.Create(NutsBenchModels.HierarchicalModel, hierarchicalArgs, ChoiceMap.Empty);
        CheckSame("eight schools", es, esModel, ["mu", "tau", .. Enumerable.Range(0, 8).Select(j => $"eta/{j}")]);
        CheckSame("logistic regression", LogisticRegression(), logisticModel, ["alpha", .. Enumerable.Range(0, LogisticD).Select(j => $"beta/{j}")]);
        CheckSame("hierarchical", Hierarchical(), hierarchicalModel, ["mu", "tau", .. Enumerable.Range(0, hierarchicalArgs.Groups).Select(k => $"z/{k}")]);
        if (!samplersOnly)
        {
            var generatedNs = TimeNs(() => esModel.LogDensityAndGradient(x, g));
            var adNs = (double)figures["eight_schools_gradient_ns"];
            Console.WriteLine($"eight schools gradient, generated [Model] form: {generatedNs:F0} ns ({generatedNs / adNs:F2}x the hand-written Real density)");
            figures["eight_schools_gradient_generated_ns"] = Math.Round(generatedNs);
            // The larger models' gradients, generated form against hand-written density at one point, alternated.
            foreach (var (name, hand, generated) in new[] { ("logistic", LogisticRegression(), logisticModel), ("hierarchical", Hierarchical(), hierarchicalModel) })
            {
                var p = Enumerable.Range(0, hand.Dimension).Select(i => 0.01 * i - 0.2).ToArray();
                var gp = new double[p.Length];
                var handNs = TimeNs(() => hand.LogDensityAndGradient(p, gp), calibrate: 200);
                var genNs = TimeNs(() => generated.LogDensityAndGradient(p, gp), calibrate: 200);
                Console.WriteLine($"{name} gradient: generated [Model] form {genNs / 1e3:F1} µs, hand-written {handNs / 1e3:F1} µs ({genNs / handNs:F2}x)");
                figures[name + "_gradient_generated_over_handwritten"] = Math.Round(genNs / handNs, 3);
            }
        }
        if (args.Contains("--gradients-only")) return figures;

        var ess = new Dictionary<string, double>();
        var essCpu = new Dictionary<string, double>();
        var details = new Dictionary<string, object>();
        var generatedEss = new Dictionary<string, double>();
        var generatedEssCpu = new Dictionary<string, double>();
        var generatedDetails = new Dictionary<string, object>();
        void Both(string key, string label, IDifferentiableDensity handWritten, Func<IGradientKernel, McmcSettings, Rng, RunOptions, McmcResult> generated)
        {
            Func<IGradientKernel, McmcSettings, Rng, RunOptions, McmcResult> hand = (kernel, settings, rng, options) => McmcSampler.Sample(handWritten, kernel, settings, rng, options);
            var samplers = generatedOnly ? [generated] : new[] { hand, generated };
            var results = Measure(samplers, seed, Runs(key));
            if (!generatedOnly)
            {
                var m = results[0].Report(label);
                (ess[key], essCpu[key], details[key]) = (m.EssPerSecond, m.EssPerCpuSecond, m.Details);
            }
            var gm = results[^1].Report(generatedOnly ? label + ", generated [Model] form" : "  same, generated [Model] form");
            (generatedEss[key], generatedEssCpu[key], generatedDetails[key]) = (gm.EssPerSecond, gm.EssPerCpuSecond, gm.Details);
        }
        Both("eight_schools", "eight schools (non-centred, 10 parameters)", es, (kernel, settings, rng, options) =>
            McmcSampler.Sample(NutsBenchModels.EightSchoolsModel, (Y, Sigma), ChoiceMap.Empty, kernel, settings, rng, options));
        Both("logistic_regression", "logistic regression (1000 x 10)", LogisticRegression(), (kernel, settings, rng, options) =>
            McmcSampler.Sample(NutsBenchModels.LogisticRegressionModel, logisticArgs, ChoiceMap.Empty, kernel, settings, rng, options));
        Both("hierarchical", "hierarchical normal (100 parameters)", Hierarchical(), (kernel, settings, rng, options) =>
            McmcSampler.Sample(NutsBenchModels.HierarchicalModel, hierarchicalArgs, ChoiceMap.Empty, kernel, settings, rng, options));
        if (!generatedOnly)
        {
            figures["models"] = details;
            figures["ess_per_second"] = ess;
            figures["ess_per_cpu_second"] = essCpu;
        }
        figures["generated_models"] = generatedDetails;
        figures["generated_ess_per_second"] = generatedEss;
        figures["generated_ess_per_cpu_second"] = generatedEssCpu;
        if (!generatedOnly)
        {
            figures["generated_to_handwritten"] = ess.Keys.ToDictionary(k => k, k => Math.Round(generatedEss[k] / ess[k], 3));
            figures["generated_to_handwritten_cpu"] = essCpu.Keys.ToDictionary(k => k, k => Math.Round(generatedEssCpu[k] / essCpu[k], 3));
        }
        return figures;
    }

    /// <summary>The gradient micro-benchmarks: eight schools by reverse-mode AD against a hand-written gradient, and the logistic regression's fused node against one node per row.</summary>
    private static void GradientTimings(Dictionary<string, object> figures, AutodiffDensity es, double[] x, double[] g)
    {
        var adNs = TimeNs(() => es.LogDensityAndGradient(x, g));
        var handNs = TimeNs(() => EightSchoolsByHand(x, g));
        var valueNs = TimeNs(() => es.LogDensity(x));
        var scalar = new AutodiffDensity(10, EightSchoolsScalar);
        var scalarNs = TimeNs(() => scalar.LogDensityAndGradient(x, g));
        es.LogDensityAndGradient(x, g);
        Console.WriteLine($"eight schools tape: {Tape.Current.Count} nodes");
        Console.WriteLine($"eight schools value only (no tape): {valueNs:F0} ns");
        Console.WriteLine($"eight schools gradient: reverse-mode AD {adNs:F0} ns (term by term {scalarNs:F0} ns), hand-written {handNs:F0} ns ({adNs / handNs:F1}x)");
        figures["eight_schools_gradient_term_by_term_ns"] = Math.Round(scalarNs);
        figures["eight_schools_gradient_ns"] = Math.Round(adNs);
        figures["eight_schools_gradient_handwritten_ns"] = Math.Round(handNs);
        {
            // The cost of one NUTS leapfrog step (the sampler's overhead with the gradient).
            var k = new NutsKernel();
            var rr = new Rng(1);
            var st = k.Init(es, x, 1000, rr);
            for (var i = 0; i < 1000; i++) st = k.Step(es, st, rr);
            long lf = 0;
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 4000; i++) { st = k.Step(es, st, rr); lf += st.Stats.LeapfrogSteps; }
            var perLeapfrog = sw.Elapsed.TotalMilliseconds * 1e6 / lf;
            Console.WriteLine($"eight schools NUTS: {perLeapfrog:F0} ns per leapfrog step (gradient included), {lf / 4000.0:F1} steps per transition");
            figures["eight_schools_nuts_ns_per_leapfrog"] = Math.Round(perLeapfrog);
        }
        {
            // The logistic regression's gradient: the fused vectorised node against one node per row.
            var fused = LogisticRegression();
            var perRow = LogisticRegressionPerRow();
            var w = Enumerable.Range(0, fused.Dimension).Select(i => 0.05 * i - 0.2).ToArray();
            var gw = new double[w.Length];
            var fusedNs = TimeNs(() => fused.LogDensityAndGradient(w, gw), calibrate: 200);
            var perRowNs = TimeNs(() => perRow.LogDensityAndGradient(w, gw), calibrate: 200);
            Console.WriteLine($"logistic regression gradient: fused {fusedNs / 1e3:F1} µs, one node per row {perRowNs / 1e3:F1} µs ({perRowNs / fusedNs:F1}x)");
            figures["logistic_gradient_ns"] = Math.Round(fusedNs);
            figures["logistic_gradient_per_row_ns"] = Math.Round(perRowNs);
        }
    }

    /// <summary>The settings of every model, matched by bench/stan/compare.R (chains run one after another on one core).</summary>
    private static readonly McmcSettings Settings = new() { Chains = 4, Warmup = 1000, Draws = 1000 };

    /// <summary>The short runs that warm the JIT before a measured run: one chain, 150 + 50 iterations.</summary>
    private static readonly McmcSettings WarmSettings = new() { Chains = 1, Warmup = 150, Draws = 50 };

    /// <summary>
    /// Runs each of <paramref name="samplers"/> (a NUTS run with the kernel and settings it is given) with <see cref="Settings"/>
    /// on one core, <paramref name="runs"/> times with seeds <paramref name="seed"/>, seed + 1000, …, after short runs of each
    /// until the JIT has settled. The samplers take turns run by run (hand-written, generated, hand-written, …), so that a
    /// change in the machine's speed during the benchmark falls on both sides alike. Each tally pools its runs.
    /// </summary>
    private static Tally[] Measure(Func<IGradientKernel, McmcSettings, Rng, RunOptions, McmcResult>[] samplers, int seed, int runs)
    {
        var oneCore = new RunOptions { MaxDegreeOfParallelism = 1 };
        var warmRuns = 0;
        foreach (var sample in samplers)
            WarmUntilJitSettles(() => sample(new NutsKernel(), WarmSettings, new Rng(seed + 500_000 + warmRuns++), oneCore));
        var tallies = samplers.Select(_ => new Tally()).ToArray();
        for (var run = 0; run < runs; run++)
            for (var i = 0; i < samplers.Length; i++)
            {
                var kernel = new CpuTimedKernel(new NutsKernel(), Settings.Warmup, Settings.Draws);
                tallies[i].Add(samplers[i](kernel, Settings, new Rng(seed + 1000 * run), oneCore), kernel);
            }
        return tallies;
    }

    /// <summary>
    /// One sampler's runs, pooled: its ESS per second of wall time and per second of CPU time (the sampling thread's) are
    /// total ESS over total time (one run as many times as long, in independent chains); the details are means over the
    /// runs (max_rhat the largest).
    /// </summary>
    private sealed class Tally
    {
        private double _ess, _sampling, _cpu, _warmup, _maxRhat;
        private long _leapfrogs, _divergences;
        private int _runs;

        public void Add(McmcResult r, CpuTimedKernel kernel)
        {
            var summary = r.Summarize();
            _ess += summary.MinEssBulk;
            _maxRhat = Math.Max(_maxRhat, summary.MaxRhat);
            // Chains ran one after another: the sampling time is the sum over chains (one core), as Stan's get_elapsed_time.
            _sampling += r.ChainSamplingTimes.Sum(t => t.TotalSeconds);
            _cpu += kernel.ChainSamplingCpuSeconds.Count == Settings.Chains ? kernel.ChainSamplingCpuSeconds.Sum() : double.NaN;
            _warmup += r.WarmupTime.TotalSeconds;
            _leapfrogs += r.Stats.Sum(c => c.Sum(s => (long)s.LeapfrogSteps));
            _divergences += r.Divergences;
            _runs++;
        }

        public (double EssPerSecond, double EssPerCpuSecond, Dictionary<string, double> Details) Report(string label)
        {
            var runs = _runs;
            var perSecond = _ess / _sampling;
            var perCpuSecond = _ess / _cpu;
            var each = runs == 1 ? "" : $" (means over {runs} runs)";
            Console.WriteLine($"{label}{each}: min ess_bulk {_ess / runs:F0}, max r_hat {_maxRhat:F3}, divergences {_divergences / (double)runs:0.#}, " +
                              $"sampling {_sampling / runs:F2} s wall, {_cpu / runs:F2} s CPU (1 core), {_leapfrogs / _cpu / 1e3:F0}k gradients per CPU s, " +
                              $"ESS/s {perSecond:F0} (wall) {perCpuSecond:F0} (CPU)");
            return (Math.Round(perSecond, 1), Math.Round(perCpuSecond, 1), new Dictionary<string, double>
            {
                ["runs"] = runs,
                ["min_ess_bulk"] = Math.Round(_ess / runs, 1),
                ["max_rhat"] = Math.Round(_maxRhat, 4),
                ["sampling_seconds"] = Math.Round(_sampling / runs, 3),
                ["sampling_cpu_seconds"] = Math.Round(_cpu / runs, 4),
                ["warmup_seconds"] = Math.Round(_warmup / runs, 3),
                ["leapfrog_steps"] = Math.Round(_leapfrogs / (double)runs, 1),
                ["divergences"] = Math.Round(_divergences / (double)runs, 2),
            });
        }
    }

    /// <summary>
    /// Runs <paramref name="run"/> until the JIT has stopped compiling (no method compiled, tier-1 recompilations
    /// included, over one whole run lasting at least half a second, or 30 s at most): on a loaded machine the
    /// background tier-1 compiler lags by seconds, longer than a whole eight-schools run.
    /// </summary>
    private static void WarmUntilJitSettles(Action run)
    {
        var total = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (quiet.ElapsedMilliseconds < 500 && total.ElapsedMilliseconds < 30000)
        {
            run();
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }
    }

    /// <summary>
    /// A gradient kernel that times each chain's sampling phase (the steps after the first <c>warmup</c>) in CPU time
    /// of the thread that runs the chain. Needs the chains to run one after another, as the benchmark runs them.
    /// </summary>
    private sealed class CpuTimedKernel(IGradientKernel inner, int warmup, int draws) : IGradientKernel
    {
        private int _steps;
        private double _start;

        /// <summary>The CPU seconds of each chain's sampling phase, in chain order.</summary>
        public List<double> ChainSamplingCpuSeconds { get; } = [];

        public GradientState Init(IDifferentiableDensity density, ReadOnlySpan<double> position, int warmupSteps, Rng rng)
        {
            _steps = 0;
            return inner.Init(density, position, warmupSteps, rng);
        }

        public GradientState Step(IDifferentiableDensity density, GradientState state, Rng rng)
        {
            if (_steps == warmup) _start = ThreadCpuSeconds();
            var next = inner.Step(density, state, rng);
            if (++_steps == warmup + draws) ChainSamplingCpuSeconds.Add(ThreadCpuSeconds() - _start);
            return next;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>
    /// The calling thread's CPU time in seconds: CLOCK_THREAD_CPUTIME_ID (3 on Linux); elsewhere the process's
    /// (coarser) figure from the runtime.
    /// </summary>
    private static double ThreadCpuSeconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3, out var t) == 0) return t.Seconds + t.Nanoseconds / 1e9;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Writes the data of the three models as JSON files named as the Stan models in bench/stan.</summary>
    private static void ExportData(string directory)
    {
        Directory.CreateDirectory(directory);
        var opts = new System.Text.Json.JsonSerializerOptions { WriteIndented = false };
        void Write(string name, object data) => File.WriteAllText(Path.Combine(directory, name + ".json"), System.Text.Json.JsonSerializer.Serialize(data, opts));
        Write("eight_schools", new Dictionary<string, object> { ["J"] = Y.Length, ["y"] = Y, ["sigma"] = Sigma });
        var (xs, ys) = LogisticData();
        Write("logistic_regression", new Dictionary<string, object>
        {
            ["N"] = ys.Length, ["K"] = LogisticD,
            ["X"] = Enumerable.Range(0, ys.Length).Select(i => xs.AsSpan(i * LogisticD, LogisticD).ToArray()).ToArray(),
            ["y"] = ys.Select(b => b ? 1 : 0).ToArray(),
        });
        var obs = HierarchicalData();
        Write("hierarchical", new Dictionary<string, object>
        {
            ["G"] = obs.Length, ["N"] = obs.Sum(o => o.Length),
            ["group"] = obs.SelectMany((o, k) => o.Select(_ => k + 1)).ToArray(),
            ["y"] = obs.SelectMany(o => o).ToArray(),
        });
        Console.WriteLine($"data written to {directory}");
    }

    private const int LogisticN = 1000, LogisticD = 10;

    /// <summary>1000 rows of 10 standard-normal predictors (row-major) and outcomes from a logistic model with coefficients N(0, 0.5²).</summary>
    private static (double[] X, bool[] Y) LogisticData()
    {
        const int n = LogisticN, d = LogisticD;
        var rng = new Rng(3);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextGaussian() * 0.5).ToArray();
        var xs = new double[n * d];
        var ys = new bool[n];
        for (var i = 0; i < n; i++)
        {
            double eta = 0;
            for (var j = 0; j < d; j++)
            {
                xs[i * d + j] = rng.NextGaussian();
                eta += xs[i * d + j] * beta[j];
            }
            ys[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta));
        }
        return (xs, ys);
    }

    /// <summary>Intercept and 10 coefficients with N(0, 2.5²) priors; the likelihood as one fused node (Stan: bernoulli_logit_glm).</summary>
    private static AutodiffDensity LogisticRegression()
    {
        var (xs, ys) = LogisticData();
        // The fused likelihood takes the predictors column by column and the outcomes as 0/1.
        var columns = new double[xs.Length];
        for (var i = 0; i < LogisticN; i++)
            for (var j = 0; j < LogisticD; j++) columns[j * LogisticN + i] = xs[i * LogisticD + j];
        var y01 = ys.Select(b => b ? 1.0 : 0.0).ToArray();
        return new AutodiffDensity(LogisticD + 1, w =>
        {
            var lp = RealDensity.Normal(w[0], 0, 2.5);
            for (var j = 1; j <= LogisticD; j++) lp += RealDensity.Normal(w[j], 0, 2.5);
            return lp + RealDensity.BernoulliLogitGlm(y01, columns, w[0], w[1..]);
        });
    }

    /// <summary>The same density written row by row (a dot product and a Bernoulli node per row), for the gradient-cost comparison.</summary>
    private static AutodiffDensity LogisticRegressionPerRow()
    {
        var (xs, ys) = LogisticData();
        return new AutodiffDensity(LogisticD + 1, w =>
        {
            var lp = RealDensity.Normal(w[0], 0, 2.5);
            for (var j = 1; j <= LogisticD; j++) lp += RealDensity.Normal(w[j], 0, 2.5);
            var coef = w[1..];
            for (var i = 0; i < ys.Length; i++) lp += RealDensity.BernoulliLogit(ys[i], w[0] + Dot(coef, xs.AsSpan(i * LogisticD, LogisticD)));
            return lp;
        });
    }

    /// <summary>98 groups of 5 observations: effects N(1, 2²), observations N(effect, 3²).</summary>
    private static double[][] HierarchicalData()
    {
        const int groups = 98, per = 5;
        var rng = new Rng(5);
        var obs = new double[groups][];
        for (var k = 0; k < groups; k++)
        {
            var effect = 1 + 2 * rng.NextGaussian();
            obs[k] = Enumerable.Range(0, per).Select(_ => effect + 3 * rng.NextGaussian()).ToArray();
        }
        return obs;
    }

    private static AutodiffDensity Hierarchical()
    {
        // mu, log tau and 98 non-centred effects = 100 parameters; each group's observations are one node, and the
        // prior on the effects and the sum over groups are fused, as Stan's vectorised statements are.
        var obs = HierarchicalData();
        return new AutodiffDensity(obs.Length + 2, x =>
        {
            var mu = x[0];
            var tau = Exp(x[1]);
            var z = x[2..];
            Span<Real> terms = stackalloc Real[obs.Length];
            for (var k = 0; k < obs.Length; k++) terms[k] = RealDensity.NormalSum(obs[k], mu + tau * z[k], 3);
            return RealDensity.Normal(mu, 0, 5) + RealDensity.HalfNormal(tau, 5) + x[1] + RealDensity.StdNormal(z) + Sum(terms);
        });
    }

    /// <summary>The logistic regression's data as the [Model] method takes them: one array per row, and the outcomes.</summary>
    private static (double[][] Xs, bool[] Ys) LogisticArgs()
    {
        var (xs, ys) = LogisticData();
        return (Enumerable.Range(0, ys.Length).Select(i => xs.AsSpan(i * LogisticD, LogisticD).ToArray()).ToArray(), ys);
    }

    /// <summary>The hierarchical model's data in long format (as exported for Stan, groups from 0): group count, group of each observation, observations.</summary>
    private static (int Groups, int[] Group, double[] Y) HierarchicalArgs()
    {
        var obs = HierarchicalData();
        return (obs.Length, obs.SelectMany((o, k) => o.Select(_ => k)).ToArray(), obs.SelectMany(o => o).ToArray());
    }

    /// <summary>
    /// Throws unless the generated density has the coordinates <paramref name="addresses"/> (the hand-written order) and
    /// the same log density as the hand-written one up to a constant: the differences between two random points
    /// (several pairs) agree to 1e-8, and so do the gradients.
    /// </summary>
    private static void CheckSame(string label, IDifferentiableDensity handWritten, IModelDensity generated, string[] addresses)
    {
        var actual = generated.Addresses.Select(a => a.ToString()).ToArray();
        if (!actual.SequenceEqual(addresses))
            throw new InvalidOperationException($"{label}: the generated density's coordinates are ({string.Join(", ", actual)}), expected ({string.Join(", ", addresses)}).");
        if (generated.Dimension != handWritten.Dimension)
            throw new InvalidOperationException($"{label}: dimension {generated.Dimension}, hand-written {handWritten.Dimension}.");
        var rng = new Rng(11);
        var n = handWritten.Dimension;
        double[] Point() => Enumerable.Range(0, n).Select(_ => 4 * rng.NextDouble() - 2).ToArray();
        double worst = 0;
        for (var pair = 0; pair < 5; pair++)
        {
            var (u, v) = (Point(), Point());
            var (gh, gg) = (new double[n], new double[n]);
            var hu = handWritten.LogDensityAndGradient(u, gh);
            var gu = generated.LogDensityAndGradient(u, gg);
            var diff = Math.Abs(hu - handWritten.LogDensity(v) - (gu - generated.LogDensity(v)));
            if (!(diff <= 1e-8))
                throw new InvalidOperationException($"{label}: log density differences disagree by {diff:E3} (hand-written {hu - handWritten.LogDensity(v)}, generated {gu - generated.LogDensity(v)}).");
            for (var i = 0; i < n; i++)
                if (!(Math.Abs(gh[i] - gg[i]) <= 1e-8 * Math.Max(1, Math.Abs(gh[i]))))
                    throw new InvalidOperationException($"{label}: gradient coordinate {i} ({addresses[i]}) is {gg[i]}, hand-written {gh[i]}.");
            worst = Math.Max(worst, diff);
        }
        Console.WriteLine($"{label}: generated [Model] density matches the hand-written one (log density differences within {worst:E1})");
    }

    private static double TimeNs(Func<double> f, int calibrate = 20000) => BenchTiming.FastestNs(f, calibrate);
}
