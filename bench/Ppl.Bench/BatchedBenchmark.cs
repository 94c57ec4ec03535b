using System.Diagnostics;
using System.Globalization;
using Ppl;
using Ppl.Autodiff;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Batched;
using Ppl.Inference.Diagnostics;
using Ppl.Inference.Importance;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using TorchSharp;
using static TorchSharp.torch;
using TBernoulli = Ppl.Distributions.Tensors.Bernoulli;
using TNormal = Ppl.Distributions.Tensors.Normal;

/// <summary>
/// Batched (vectorised) inference against one-by-one inference in the same process: importance sampling
/// on Bayesian polynomial regression (degree 3, 20 points: 24 sites), bootstrap SMC on smc-lgssm (T = 100),
/// and many-chain HMC (ChEES) on the 1000 × 10 logistic regression of the nuts benchmark against 4 chains of
/// the scalar NUTS. Options: --device cpu|cuda, --dtype float64|float32, --is N,N,..., --smc N,N,... (SMC stops at 10^5 by default: 10^6 particles × 100 steps takes minutes on 2 cores),
/// --chains C,C,..., --ess-chains C, --quick (small sizes, for CI and gpu-check's CPU fallback),
/// --threads T (torch intra-op threads, default 1).
/// </summary>
internal static class BatchedBenchmark
{
    internal const int Degree = 3, Points = 20, Sites = Degree + 1 + Points, SmcSteps = 100;

    public static Dictionary<string, object> Run(string[] args)
    {
        var quick = args.Contains("--quick");
        // Through TorchRuntime, so that Ppl's own thread default (applied when it first meets libtorch) keeps this choice.
        TorchRuntime.Threads = int.Parse(Option(args, "threads", "1")[0], CultureInfo.InvariantCulture);
        TorchRuntime.EnsureLoaded();
        var device = torch.device(Option(args, "device", "cpu")[0]);
        var dtype = Option(args, "dtype", "float64")[0] == "float32" ? ScalarType.Float32 : ScalarType.Float64;
        if (device.type == DeviceType.CUDA && !torch.cuda.is_available())
            throw new InvalidOperationException("--device cuda, but torch.cuda.is_available() is false: this build carries the CPU libtorch (see bench/gpu-check.sh).");
        var isCounts = Ints(Option(args, "is", quick ? "100,1000,10000" : "100,1000,10000,100000,1000000"));
        var smcCounts = Ints(Option(args, "smc", quick ? "100,1000" : "100,1000,10000,100000"));
        var chainCounts = Ints(Option(args, "chains", quick ? "1,4,64" : "1,4,16,64,256,1024,4096"));
        var essChains = Ints(Option(args, "ess-chains", quick ? "64" : "1024"))[0];
        Console.WriteLine($"device {device}, dtype {dtype}, torch threads {torch.get_num_threads()}, {Environment.ProcessorCount} cores (machine may be shared: compare ratios)");
        var figures = new Dictionary<string, object> { ["benchmark"] = "batched", ["device"] = device.ToString(), ["dtype"] = dtype.ToString() };
        figures["importance_sampling"] = ImportanceSamplingScaling(isCounts, device, dtype);
        figures["smc"] = SmcScaling(smcCounts, device, dtype);
        figures["hmc"] = HmcScaling(chainCounts, essChains, quick, device, dtype);
        return figures;
    }

    // ---------------------------------------------------------------- importance sampling

    internal static (double[] Xs, double[] Ys) CurveData()
    {
        var rng = new Rng(3);
        var xs = Enumerable.Range(0, Points).Select(i => -1 + 2.0 * i / (Points - 1)).ToArray();
        var ys = xs.Select(x => 0.3 - 1.2 * x + 0.8 * x * x - 0.5 * x * x * x + 0.5 * rng.NextGaussian()).ToArray();
        return (xs, ys);
    }

    internal static readonly BatchedModel<double[], Tensor> BatchedCurve = BatchedModel.Create<double[], Tensor>("curve-fit", (t, xs) =>
    {
        var w = new Tensor[Degree + 1];
        for (var j = 0; j <= Degree; j++) w[j] = t.Sample(new Address("w", j), new TNormal(t.Scalar(0), t.Scalar(1)));
        var sd = t.Scalar(0.5);
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = w[Degree];
            for (var j = Degree - 1; j >= 0; j--) mean = mean.Times(xs[i]).Plus(w[j]);
            t.Sample(new Address("y", i), new TNormal(mean, sd));
        }
        return w[1];
    });

    private static readonly DynamicModel<double[], double> ScalarCurve = DynamicModel.Create<double[], double>("curve-fit", (t, xs) =>
    {
        var w = new double[Degree + 1];
        for (var j = 0; j <= Degree; j++) w[j] = t.Sample(new Address("w", j), new Normal(0, 1));
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = w[Degree];
            for (var j = Degree - 1; j >= 0; j--) mean = mean * xs[i] + w[j];
            t.Sample(new Address("y", i), new Normal(mean, 0.5));
        }
        return w[1];
    });

    private static Dictionary<string, object> ImportanceSamplingScaling(int[] counts, Device device, ScalarType dtype)
    {
        var (xs, ys) = CurveData();
        var obs = new BatchedChoices();
        var scalarObs = ChoiceMap.Empty;
        for (var i = 0; i < Points; i++)
        {
            obs.Set(new Address("y", i), tensor(ys[i], dtype, device));
            scalarObs = scalarObs.Set(new Address("y", i), ys[i]);
        }
        var r = new Dictionary<string, object>();
        var perParticle = new Dictionary<int, double>();
        var perParticleCpu = new Dictionary<int, double>();
        Console.WriteLine($"Importance sampling, polynomial regression (degree {Degree}, {Points} points, {Sites} sites per particle)");
        foreach (var n in counts)
        {
            double logZ = 0;
            var seconds = Time(() =>
            {
                using var scope = NewDisposeScope();
                logZ = BatchedImportanceSampling.Run(BatchedCurve, xs, obs, n, new Rng(5), device, dtype).LogEvidence;
                Sync(device);
            });
            var cpu = LastCpuSeconds;
            perParticle[n] = seconds / n;
            perParticleCpu[n] = cpu / n;
            var rate = (double)n * Sites / seconds;
            var line = $"  batched     N={n,8}: {seconds * 1e3,9:F2} ms, {seconds / n * 1e9,9:F1} ns/particle, {rate:E2} particle-sites/s (CPU time: {cpu / n * 1e9:F1} ns/particle, {n * Sites / cpu:E2}/s), log Z {logZ:F3}";
            r[$"batched_n{n}_ns_per_particle"] = Math.Round(seconds / n * 1e9, 1);
            r[$"batched_n{n}_particle_sites_per_second"] = Math.Round(rate);
            r[$"batched_n{n}_particle_sites_per_cpu_second"] = Math.Round(n * Sites / cpu);
            // The same model written once as a scalar [Model]; the generator's batched form (additive keys).
            double generatedLogZ = 0;
            var generated = Time(() =>
            {
                using var scope = NewDisposeScope();
                generatedLogZ = BatchedImportanceSampling.Run(GeneratedCurveFit.CurveFitBatched, xs, obs, n, new Rng(5), device, dtype).LogEvidence;
                Sync(device);
            });
            line += $" | generated batched {generated / n * 1e9:F1} ns/particle ({generated / seconds:F2}x the hand-written batched time), log Z {generatedLogZ:F3}";
            r[$"generated_batched_n{n}_ns_per_particle"] = Math.Round(generated / n * 1e9, 1);
            r[$"generated_over_handwritten_batched_n{n}"] = Math.Round(generated / seconds, 2);
            if (n <= 10_000)
            {
                var one = Time(() => ImportanceSampling.Run(ScalarCurve, xs, scalarObs, n, new Rng(5), new RunOptions { MaxDegreeOfParallelism = 1 }));
                line += $" | one-by-one {one / n * 1e9:F0} ns/particle ({one / seconds:F1}x the batched time; CPU {LastCpuSeconds / cpu:F1}x)";
                r[$"one_by_one_n{n}_ns_per_particle"] = Math.Round(one / n * 1e9, 1);
                r[$"one_by_one_over_batched_n{n}"] = Math.Round(one / seconds, 2);
            }
            Console.WriteLine(line);
        }
        var lo = counts.Min();
        var hi = counts.Where(c => c <= 100_000).Max();
        if (lo != hi)
        {
            r[$"per_particle_speedup_n{lo}_to_n{hi}"] = Math.Round(perParticle[lo] / perParticle[hi], 1);
            r[$"per_particle_cpu_speedup_n{lo}_to_n{hi}"] = Math.Round(perParticleCpu[lo] / perParticleCpu[hi], 1);
            Console.WriteLine($"  time per particle falls {perParticle[lo] / perParticle[hi]:F1}x from N={lo} to N={hi} (CPU time: {perParticleCpu[lo] / perParticleCpu[hi]:F1}x)");
        }
        return r;
    }

    // ---------------------------------------------------------------- SMC

    private static Dictionary<string, object> SmcScaling(int[] counts, Device device, ScalarType dtype)
    {
        var rng = new Rng(1);
        var ys = new double[SmcSteps];
        var x0 = rng.NextGaussian();
        for (var i = 0; i < SmcSteps; i++)
        {
            x0 = 0.9 * x0 + rng.NextGaussian();
            ys[i] = x0 + 0.5 * rng.NextGaussian();
        }
        var model = new BatchedStateSpaceModel("lgssm",
            t => t.Sample("x", new TNormal(t.Scalar(0), t.Scalar(1))),
            (t, _, prev) =>
            {
                var x = t.Sample("x", new TNormal(prev.Times(0.9), t.Scalar(1)));
                t.Sample("y", new TNormal(x, t.Scalar(0.5)));
                return x;
            });
        var obs = ys.Select(y => new BatchedChoices().Set("y", tensor(y, dtype, device))).ToList();
        var unfold = new Unfold<double, Unit>(DynamicModel.Create<(int T, double State, Unit Params), double>("lgssm-step", (t, a) =>
        {
            var x = t.Sample("x", new Normal(a.T == 0 ? 0 : 0.9 * a.State, 1));
            t.Sample("y", new Normal(x, 0.5));
            return x;
        }));
        var scalarObs = ys.Select(y => ChoiceMap.From(("y", y))).ToList();
        var options = new BatchedSmcOptions { Device = device, DType = dtype };
        var r = new Dictionary<string, object>();
        var perParticle = new Dictionary<int, double>();
        Console.WriteLine($"Bootstrap SMC, smc-lgssm (T = {SmcSteps}, systematic resampling every step)");
        foreach (var n in counts)
        {
            double logZ = 0;
            var seconds = Time(() =>
            {
                using var scope = NewDisposeScope();
                logZ = BatchedSmc.Run(model, obs, n, new Rng(3), options).LogEvidence;
                Sync(device);
            });
            var cpu = LastCpuSeconds;
            perParticle[n] = seconds / n;
            var line = $"  batched     N={n,8}: {seconds * 1e3,9:F1} ms, {seconds / n / SmcSteps * 1e9,8:F1} ns/particle-step, {(double)n * SmcSteps / seconds:E2} particle-steps/s (CPU time {cpu / n / SmcSteps * 1e9:F1} ns), log Z {logZ:F2}";
            r[$"batched_n{n}_ns_per_particle_step"] = Math.Round(seconds / n / SmcSteps * 1e9, 1);
            r[$"batched_n{n}_cpu_ns_per_particle_step"] = Math.Round(cpu / n / SmcSteps * 1e9, 1);
            if (n <= 1000)
            {
                var one = Time(() => UnfoldSmc.Run(unfold, 0.0, Unit.Value, scalarObs, n, new Rng(3), options: new RunOptions { MaxDegreeOfParallelism = 1 }));
                line += $" | one-by-one (UnfoldSmc) {one / n / SmcSteps * 1e9:F0} ns/particle-step ({one / seconds:F1}x the batched time; CPU {LastCpuSeconds / cpu:F1}x)";
                r[$"one_by_one_over_batched_n{n}"] = Math.Round(one / seconds, 2);
                r[$"one_by_one_n{n}_ns_per_particle_step"] = Math.Round(one / n / SmcSteps * 1e9, 1);
            }
            Console.WriteLine(line);
        }
        var lo = counts.Min();
        var hi = counts.Max();
        if (lo != hi) r[$"per_particle_speedup_n{lo}_to_n{hi}"] = Math.Round(perParticle[lo] / perParticle[hi], 1);
        return r;
    }

    // ---------------------------------------------------------------- HMC

    internal static (double[,] X, double[] Y) LogisticData()
    {
        // The data of the nuts benchmark (same seed and construction).
        const int n = 1000, d = 10;
        var rng = new Rng(3);
        var beta = Enumerable.Range(0, d).Select(_ => rng.NextGaussian() * 0.5).ToArray();
        var xs = new double[n, d];
        var ys = new double[n];
        for (var i = 0; i < n; i++)
        {
            double eta = 0;
            for (var j = 0; j < d; j++)
            {
                xs[i, j] = rng.NextGaussian();
                eta += xs[i, j] * beta[j];
            }
            ys[i] = rng.NextDouble() < 1 / (1 + Math.Exp(-eta)) ? 1 : 0;
        }
        return (xs, ys);
    }

    internal static Func<Tensor, Tensor> BatchedLogistic(double[,] xs, double[] ys, Device device, ScalarType dtype)
    {
        var xT = tensor(xs, dtype, device).t().contiguous();
        var model = BatchedModel.Create<Unit, Tensor>("logistic", (t, _) =>
        {
            var w = t.Sample("w", new TNormal(zeros(11, t.DType, t.Device), t.Scalar(2.5)));
            var eta = w[.., 0..1].Plus(w[.., 1..].matmul(xT));
            t.Observe("y", new TBernoulli(logits: eta), t.Constant(ys));
            return w;
        });
        return BatchedDensity.FromModel(model, Unit.Value, new BatchedChoices(), ("w", new long[] { 11 }));
    }

    private static AutodiffDensity ScalarLogistic(double[,] xs, double[] ys)
    {
        var rows = Enumerable.Range(0, ys.Length).Select(i => Enumerable.Range(0, 10).Select(j => xs[i, j]).ToArray()).ToArray();
        var yb = ys.Select(y => y > 0.5).ToArray();
        return new AutodiffDensity(11, w =>
        {
            var lp = RealDensity.Normal(w[0], 0, 2.5);
            for (var j = 1; j <= 10; j++) lp += RealDensity.Normal(w[j], 0, 2.5);
            var coef = w[1..];
            for (var i = 0; i < rows.Length; i++) lp += RealDensity.BernoulliLogit(yb[i], w[0] + RealMath.Dot(coef, rows[i]));
            return lp;
        });
    }

    private static Dictionary<string, object> HmcScaling(int[] chainCounts, int essChains, bool quick, Device device, ScalarType dtype)
    {
        var (xs, ys) = LogisticData();
        var density = BatchedLogistic(xs, ys, device, dtype);
        var r = new Dictionary<string, object>();
        Console.WriteLine("Many-chain HMC, logistic regression 1000 x 10 (11 parameters)");
        // Cost of one leapfrog step (a batched gradient) per chain, against the number of chains.
        var perChain = new Dictionary<int, double>();
        foreach (var c in chainCounts)
        {
            using var scope = NewDisposeScope();
            var q = randn(new long[] { c, 11 }, dtype, device).Times(0.1);
            var seconds = Time(() =>
            {
                using var s = NewDisposeScope();
                var (lp, g) = BatchedLeapfrogProbe(density, q);
                Sync(device);
            });
            perChain[c] = seconds / c;
            Console.WriteLine($"  {c,5} chains: {seconds * 1e3,8:F2} ms per batched gradient, {seconds / c * 1e6,8:F2} µs per chain-gradient (CPU time {LastCpuSeconds / c * 1e6:F2} µs)");
            r[$"chains{c}_cpu_us_per_chain_gradient"] = Math.Round(LastCpuSeconds / c * 1e6, 2);
            r[$"chains{c}_us_per_chain_gradient"] = Math.Round(seconds / c * 1e6, 2);
        }

        // ESS per second: ChEES-HMC with many chains against 4 chains of the scalar NUTS (1000 + 1000).
        var hmcSettings = new ManyChainHmcSettings { Warmup = quick ? 100 : 200, Draws = quick ? 50 : 100, Adaptation = ManyChainAdaptation.ChEES };
        ManyChainHmcResult res;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        using (var scope = NewDisposeScope())
        {
            var init = rand(new long[] { essChains, 11 }, dtype, device).Times(4).Minus(2).Times(0.1);
            res = ManyChainHmc.Sample(density, init, hmcSettings, new Rng(7));
        }
        process.Refresh();
        var hmcCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var ess = res.EssBulk();
        var rhat = Enumerable.Range(0, 11).Max(d => ConvergenceDiagnostics.Rhat(res.Parameter(d)));
        var hmcEssPerSec = ess.Min() / res.SamplingTime.TotalSeconds;
        var hmcEssPerTotal = ess.Min() / (res.SamplingTime + res.WarmupTime).TotalSeconds;
        Console.WriteLine($"  ChEES-HMC, {essChains} chains x ({hmcSettings.Warmup} + {hmcSettings.Draws}): min ess_bulk {ess.Min():F0}, max r_hat {rhat:F3}, " +
                          $"step {res.StepSizes[0]:F3}, trajectory {res.TrajectoryLength:F2}, {res.LeapfrogSteps / (double)hmcSettings.Draws:F1} leapfrogs/iteration, accept {res.AcceptRate:F2}, " +
                          $"warm-up {res.WarmupTime.TotalSeconds:F1} s, sampling {res.SamplingTime.TotalSeconds:F1} s, ESS/s {hmcEssPerSec:F0} (sampling), {hmcEssPerTotal:F0} (incl. warm-up)");
        r[$"chees_chains{essChains}_min_ess"] = Math.Round(ess.Min());
        r[$"chees_chains{essChains}_max_rhat"] = Math.Round(rhat, 3);
        r[$"chees_chains{essChains}_ess_per_second"] = Math.Round(hmcEssPerSec, 1);
        r[$"chees_chains{essChains}_ess_per_second_incl_warmup"] = Math.Round(hmcEssPerTotal, 1);

        var nutsSettings = new McmcSettings { Chains = 4, Warmup = quick ? 200 : 1000, Draws = quick ? 200 : 1000 };
        process.Refresh();
        cpu0 = process.TotalProcessorTime;
        var nuts = McmcSampler.Sample(ScalarLogistic(xs, ys), new NutsKernel(), nutsSettings, new Rng(7), new RunOptions { MaxDegreeOfParallelism = 1 });
        process.Refresh();
        var nutsCpu = (process.TotalProcessorTime - cpu0).TotalSeconds;
        var summary = nuts.Summarize();
        var sampling = nuts.SamplingTime.TotalSeconds * nuts.Chains;
        var total = (nuts.SamplingTime + nuts.WarmupTime).TotalSeconds * nuts.Chains;
        var nutsEssPerSec = summary.MinEssBulk / sampling;
        var nutsEssPerTotal = summary.MinEssBulk / total;
        Console.WriteLine($"  scalar NUTS, 4 chains x ({nutsSettings.Warmup} + {nutsSettings.Draws}), one core: min ess_bulk {summary.MinEssBulk:F0}, max r_hat {summary.MaxRhat:F3}, " +
                          $"sampling {sampling:F1} s, ESS/s {nutsEssPerSec:F0} (sampling), {nutsEssPerTotal:F0} (incl. warm-up)");
        r["nuts_4_chains_ess_per_second"] = Math.Round(nutsEssPerSec, 1);
        r["nuts_4_chains_ess_per_second_incl_warmup"] = Math.Round(nutsEssPerTotal, 1);
        r[$"chees{essChains}_over_nuts4_ess_per_second"] = Math.Round(hmcEssPerSec / nutsEssPerSec, 2);
        r[$"chees{essChains}_over_nuts4_ess_per_second_incl_warmup"] = Math.Round(hmcEssPerTotal / nutsEssPerTotal, 2);
        Console.WriteLine($"  many-chain/NUTS ESS/s ratio: {hmcEssPerSec / nutsEssPerSec:F2} (sampling), {hmcEssPerTotal / nutsEssPerTotal:F2} (incl. warm-up)");
        // Whole runs in process CPU seconds: on a loaded machine this is the comparison that waiting does not distort.
        var hmcEssPerCpu = ess.Min() / hmcCpu;
        var nutsEssPerCpu = summary.MinEssBulk / nutsCpu;
        Console.WriteLine($"  whole runs per CPU second: many-chain {hmcEssPerCpu:F0} ESS/s ({hmcCpu:F1} s), NUTS {nutsEssPerCpu:F0} ESS/s ({nutsCpu:F1} s), ratio {hmcEssPerCpu / nutsEssPerCpu:F2}");
        r[$"chees{essChains}_ess_per_cpu_second_incl_warmup"] = Math.Round(hmcEssPerCpu, 1);
        r["nuts4_ess_per_cpu_second_incl_warmup"] = Math.Round(nutsEssPerCpu, 1);
        r[$"chees{essChains}_over_nuts4_ess_per_cpu_second_incl_warmup"] = Math.Round(hmcEssPerCpu / nutsEssPerCpu, 2);
        return r;
    }

    private static (Tensor, Tensor) BatchedLeapfrogProbe(Func<Tensor, Tensor> density, Tensor q)
    {
        using var eg = enable_grad();
        var x = q.detach().requires_grad_(true);
        var lp = density(x);
        var g = torch.autograd.grad(new[] { lp.sum() }, new[] { x })[0];
        return (lp, g);
    }

    // ---------------------------------------------------------------- helpers

    private static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize();
    }

    private static int[] Ints(string[] s) => s.Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();

    internal static string[] Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return (i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback).Split(',');
    }

    /// <summary>
    /// The fastest of a few runs after a warm-up run (interference on a shared machine only adds time), in
    /// wall seconds; the process CPU seconds of the fastest-CPU run go to <see cref="LastCpuSeconds"/>
    /// (with one torch thread the CPU time is the cost without the waiting a loaded machine adds).
    /// </summary>
    private static double Time(Action run)
    {
        var warm = Stopwatch.StartNew();
        run();
        // Long runs (N ≥ 10^5) are timed once after the warm-up: their fixed costs are negligible.
        var minRuns = warm.Elapsed.TotalSeconds > 2 ? 1 : 3;
        var times = new List<double>();
        var cpu = new List<double>();
        var total = Stopwatch.StartNew();
        var process = Process.GetCurrentProcess();
        while (times.Count < minRuns || (times.Count < 20 && total.Elapsed.TotalSeconds < 2))
        {
            process.Refresh();
            var c0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalSeconds);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - c0).TotalSeconds);
        }
        LastCpuSeconds = Math.Max(cpu.Min(), 1e-7);
        return times.Min();
    }

    /// <summary>The CPU seconds of the last <see cref="Time"/> call.</summary>
    private static double LastCpuSeconds { get; set; }
}
