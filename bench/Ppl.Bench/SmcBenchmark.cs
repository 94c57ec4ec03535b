using System.Diagnostics;
using Ppl;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Smc;

/// <summary>
/// Bootstrap SMC (systematic resampling at every step) on the 1-D linear-Gaussian state-space model of
/// smc-lgssm (T = 100 by default), in particle-steps per second, against a hand-written C# particle
/// filter of the same model in the same process. Pass --t, --particles (comma list) and --threads (comma list).
/// Four library paths: the [Model] method (<c>ResumableBenchmark.Lgssm</c>; BootstrapSmc on its generated function, through its resumable state
/// machine: the user's path, reported as <c>model_particle_steps_per_second</c> and as a ratio to the typed path),
/// the replay path (BootstrapSmc on a dynamic model, O(T²); only for N ≤ --replay-max, default 1000, as it takes
/// minutes beyond), SMC over Unfold through Update (the general O(T) path), and the typed state-space filter
/// (StateSpaceSmc on a struct model: the fast path).
/// </summary>
internal static class SmcBenchmark
{
    private static DynamicModel<double[], double> Model() => DynamicModel.Create<double[], double>("lgssm", (t, ys) =>
    {
        var x = t.Sample(new Address("x", 0), new Normal(0, 1));
        for (var i = 0; i < ys.Length; i++)
        {
            x = t.Sample(new Address("x", i + 1), new Normal(0.9 * x, 1));
            t.Observe(new Address("y", i + 1), new Normal(x, 0.5), ys[i]);
        }
        return x;
    });

    public static Dictionary<string, object> Run(string[] args)
    {
        var steps = Option(args, "t", "100").Select(int.Parse).Single();
        var particleCounts = Option(args, "particles", "1000,10000").Select(int.Parse).ToArray();
        var threadCounts = Option(args, "threads", "1,2").Select(int.Parse).ToArray();
        var replayMax = Option(args, "replay-max", "1000").Select(int.Parse).Single();
        // --paths model,replay,unfold,typed (default all): e.g. one path alone under a profiler.
        var paths = Option(args, "paths", "model,replay,unfold,typed").ToHashSet(StringComparer.OrdinalIgnoreCase);
        // --stat min: the fastest of more runs (steadier than the median on a machine shared with other work).
        _fastest = Option(args, "stat", "median").Single() == "min";
        var rng = new Rng(1);
        var ys = new double[steps];
        var xs = rng.NextGaussian();
        for (var i = 0; i < steps; i++)
        {
            xs = 0.9 * xs + rng.NextGaussian();
            ys[i] = xs + 0.5 * rng.NextGaussian();
        }
        var model = Model();
        var unfold = new Unfold<double, Unit>(DynamicModel.Create<(int T, double State, Unit Params), double>("lgssm-step", (t, a) =>
        {
            var x = t.Sample("x", new Normal(a.T == 0 ? 0 : 0.9 * a.State, 1));
            t.Sample("y", new Normal(x, 0.5));
            return x;
        }));
        var observations = ys.Select(y => ChoiceMap.From(("y", y))).ToList();
        var figures = new Dictionary<string, object> { ["benchmark"] = "smc", ["t"] = steps };
        double best = 0, bestModel = 0, bestTyped = 0;
        foreach (var n in particleCounts)
        {
            var hand = Time(() => HandWritten(ys, n, new Rng(3)));
            var handRate = (double)n * steps / hand;
            Console.WriteLine($"hand-written PF, N={n}: {handRate:E3} particle-steps/s (log Z {HandWritten(ys, n, new Rng(3)):F3})");
            figures[$"handwritten_n{n}"] = Math.Round(handRate);
            foreach (var threads in threadCounts)
            {
                var options = new RunOptions { MaxDegreeOfParallelism = threads };
                var modelSeconds = Time(() => BootstrapSmc.Run(ResumableBenchmark.LgssmModel, ys, ChoiceMap.Empty, n, new Rng(3), null, options).LogEvidence);
                var modelRate = (double)n * steps / modelSeconds;
                bestModel = Math.Max(bestModel, modelRate);
                Console.WriteLine($"Ppl bootstrap SMC on the [Model] (resumable), N={n}, {threads} thread(s): {modelRate:E3} particle-steps/s, hand-written/Ppl = {handRate / modelRate:F1}x");
                figures[$"ppl_model_n{n}_threads{threads}"] = Math.Round(modelRate);
                if (paths.Contains("replay") && n <= replayMax)
                {
                    var seconds = Time(() => BootstrapSmc.Run(model, ys, n, new Rng(3), null, options).LogEvidence);
                    var rate = (double)n * steps / seconds;
                    best = Math.Max(best, rate);
                    Console.WriteLine($"Ppl bootstrap SMC (replay), N={n}, {threads} thread(s): {rate:E3} particle-steps/s, {seconds:F2} s/run, hand-written/Ppl = {handRate / rate:F0}x");
                    figures[$"ppl_n{n}_threads{threads}"] = Math.Round(rate);
                    figures[$"handwritten_over_ppl_n{n}_threads{threads}"] = Math.Round(handRate / rate, 1);
                }

                if (paths.Contains("unfold"))
                {
                    var unfoldSeconds = Time(() => UnfoldSmc.Run(unfold, 0.0, Unit.Value, observations, n, new Rng(3), options: options).LogEvidence);
                    var unfoldRate = (double)n * steps / unfoldSeconds;
                    best = Math.Max(best, unfoldRate);
                    Console.WriteLine($"Ppl SMC over Unfold (Update, O(1) per step), N={n}, {threads} thread(s): {unfoldRate:E3} particle-steps/s, hand-written/Ppl = {handRate / unfoldRate:F0}x");
                    figures[$"ppl_unfold_n{n}_threads{threads}"] = Math.Round(unfoldRate);
                    figures[$"handwritten_over_ppl_unfold_n{n}_threads{threads}"] = Math.Round(handRate / unfoldRate, 1);
                }
                if (!paths.Contains("typed")) continue;

                // The fast path: resampling at every step, systematic, as the hand-written filter does.
                var fastOptions = new StateSpaceSmcOptions { EssThreshold = 1 };
                var fastSeconds = Time(() => StateSpaceSmc.LogEvidence<LgssmModel, double>(new LgssmModel(ys), n, new Rng(3), fastOptions, options));
                var fastRate = (double)n * steps / fastSeconds;
                best = Math.Max(best, fastRate);
                bestTyped = Math.Max(bestTyped, fastRate);
                Console.WriteLine($"Ppl typed state-space SMC (struct model), N={n}, {threads} thread(s): {fastRate:E3} particle-steps/s, hand-written/Ppl = {handRate / fastRate:F2}x, {fastRate / WebPplRate:F0}x WebPPL's 1.4e5");
                figures[$"ppl_statespace_n{n}_threads{threads}"] = Math.Round(fastRate);
                figures[$"handwritten_over_ppl_statespace_n{n}_threads{threads}"] = Math.Round(handRate / fastRate, 2);
            }
        }
        figures["webppl_reference_particle_steps_per_second"] = WebPplRate;
        figures["particle_steps_per_second"] = Math.Round(Math.Max(best, bestModel));
        figures["model_particle_steps_per_second"] = Math.Round(bestModel);
        if (bestTyped > 0) figures["model_over_typed"] = Math.Round(bestModel / bestTyped, 3);
        return figures;
    }

    /// <summary>WebPPL 0.9.15's SMC on this model, 1,000 particles (issue 4's reference figure).</summary>
    private const double WebPplRate = 1.4e5;

    /// <summary>The smc-lgssm model as a typed state-space model: what a user writes for the fast path.</summary>
    private readonly struct LgssmModel(double[] ys) : IStateSpaceModel<double>
    {
        public int Steps => ys.Length;

        public double Initial(Rng rng) => rng.NextGaussian();

        public double Transition(int t, double previous, Rng rng) => 0.9 * previous + rng.NextGaussian();

        public double LogObservation(int t, double state)
        {
            var d = (ys[t - 1] - state) * 2; // (y − x)/0.5
            return -0.5 * d * d - 0.2257913526447274; // − log 0.5 − ½ log 2π
        }
    }

    private static IEnumerable<string> Option(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return (i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback).Split(',');
    }

    private static bool _fastest;

    /// <summary>Median wall time of a few runs after one warm-up run (with --stat min, the fastest of up to 40 runs).</summary>
    private static double Time(Func<double> run)
    {
        run();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 3 || (_fastest ? times.Count < 40 && total.Elapsed.TotalSeconds < 10 : times.Count < 15 && total.Elapsed.TotalSeconds < 5))
        {
            var sw = Stopwatch.StartNew();
            run();
            times.Add(sw.Elapsed.TotalSeconds);
        }
        times.Sort();
        return _fastest ? times[0] : times[times.Count / 2];
    }

    /// <summary>The same algorithm written directly on arrays: propagate, weight, systematic resampling.</summary>
    private static double HandWritten(double[] ys, int n, Rng rng)
    {
        var x = new double[n];
        var next = new double[n];
        var lw = new double[n];
        for (var i = 0; i < n; i++) x[i] = rng.NextGaussian();
        double logZ = 0;
        foreach (var y in ys)
        {
            var max = double.NegativeInfinity;
            for (var i = 0; i < n; i++)
            {
                x[i] = 0.9 * x[i] + rng.NextGaussian();
                var d = (y - x[i]) / 0.5;
                lw[i] = -0.5 * d * d - Math.Log(0.5) - 0.5 * Math.Log(2 * Math.PI);
                max = Math.Max(max, lw[i]);
            }
            double s = 0;
            for (var i = 0; i < n; i++) s += lw[i] = Math.Exp(lw[i] - max);
            logZ += max + Math.Log(s / n);
            var u = rng.NextDouble();
            var j = 0;
            var c = lw[0] / s;
            for (var i = 0; i < n; i++)
            {
                var pos = (u + i) / n;
                while (pos >= c && j < n - 1) c += lw[++j] / s;
                next[i] = x[j];
            }
            (x, next) = (next, x);
        }
        return logZ;
    }
}
