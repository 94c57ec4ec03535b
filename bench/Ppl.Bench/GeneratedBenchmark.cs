using System.Diagnostics;
using Ppl.Autodiff;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using static Ppl.Modeling.Effects;

namespace Ppl.Bench;

/// <summary>
/// Generated vs dynamic vs hand-written C# on the hierarchical <see cref="SchoolsBench"/> (100 static
/// sites): Assess of a full set of choices, and single-site Metropolis–Hastings sweeps (Regenerate of one
/// latent from its prior + accept/reject, over all 51 latents). The hand-written sweep does the same
/// work: per proposal, a prior draw and a full log-density evaluation.
/// <para>
/// Also a model with a loop (<see cref="LoopRegression"/>: 1,000 rows, 10 coefficients): the generated
/// <c>Assess</c> against a hand-written C# log density, and one gradient of its generated differentiable form
/// (<see cref="ModelDensity"/>) against one gradient of the same density written over <see cref="Real"/> by
/// hand, row by row (<see cref="AutodiffDensity"/>).
/// </para>
/// </summary>
internal static partial class GeneratedBenchmark
{
    /// <summary>Rows and coefficients of <see cref="LoopRegression"/>'s data.</summary>
    private const int LoopRows = 1000, LoopCoefficients = 10;

    /// <summary>Linear regression written with loops: w_j ~ N(0, 1), y_i ~ N(Σ_j x_ij w_j, 1), the mean summed in a local.</summary>
    [Model]
    internal static double LoopRegression(double[][] xs, double[] ys)
    {
        var d = xs[0].Length;
        var w = new double[d];
        for (var j = 0; j < d; j++) w[j] = Sample(Dist.Normal(0, 1), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = 0.0;
            for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
            Observe(Dist.Normal(mean, 1), ys[i], "y", i);
        }
        return w[0];
    }

    public static Dictionary<string, object> Run()
    {
        var n = SchoolsBench.Groups;
        var rng = new Rng(7);
        var ys = Enumerable.Range(0, n).Select(_ => 3 * rng.NextGaussian()).ToArray();
        var gen = SchoolsBench.SchoolsModel;
        var dyn = SchoolsBench.Dynamic;
        var latents = new[] { "mu", "tau" }.Concat(Enumerable.Range(0, n).Select(k => "theta" + k)).ToArray();
        var selections = latents.Select(a => Selection.At(a)).ToArray();

        var gTrace = (ITrace<double[], double>)gen.Simulate(ys, new Rng(1));
        var dTrace = dyn.Simulate(ys, new Rng(1));
        var gChoices = gTrace.Choices;
        var dChoices = dTrace.Choices;
        if (Math.Abs(gen.Assess(ys, gChoices).Weight - dyn.Assess(ys, dChoices).Weight) > 1e-9) throw new InvalidOperationException("models disagree");

        // Hand-written log density over plain arrays.
        var theta = Enumerable.Range(0, n).Select(k => gTrace.Choices.Get<double>("theta" + k)).ToArray();
        var mu0 = gTrace.Choices.Get<double>("mu");
        var tau0 = gTrace.Choices.Get<double>("tau");
        double LogDensity(double mu, double tau, double[] th)
        {
            var s = new Normal(0, 5).LogDensity(mu) + new HalfNormal(5).LogDensity(tau);
            for (var k = 0; k < th.Length; k++) s += new Normal(mu, tau).LogDensity(th[k]) + new Normal(th[k], 1).LogDensity(ys[k]);
            return s;
        }

        var (assess, assessMin) = TimeInterleavedBoth(() => gen.Assess(ys, gChoices).Weight, () => LogDensity(mu0, tau0, theta), () => dyn.Assess(ys, dChoices).Weight);
        var (assessGen, assessHand, assessDyn) = (assess[0], assess[1], assess[2]);
        var assessGenMap = Time(() => gen.Assess(ys, dChoices).Weight);

        // Allocation per assess: bytes this thread allocated over 10,000 calls, in 5 windows after the JIT has
        // settled; the smallest window is the per-call figure (a one-off allocation by the runtime, e.g. a late
        // tier-1 install on this thread, lands in one window only; all windows are printed).
        WarmUntilJitSettles(() => gen.Assess(ys, gChoices));
        const int allocCalls = 10000;
        var windows = new List<double>();
        for (var w = 0; w < 5; w++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < allocCalls; i++) gen.Assess(ys, gChoices);
            windows.Add((GC.GetAllocatedBytesForCurrentThread() - before) / (double)allocCalls);
        }
        var allocPerAssess = windows.Min();
        var allocBdn = GeneratedAssessAllocation.BytesPerCall();

        // MH sweeps.
        var mhRng = new Rng(3);
        ITrace<double[], double> gt = gTrace;
        ITrace<double[], double> dt = dTrace;
        double SweepGen()
        {
            foreach (var s in selections)
            {
                var (t2, w) = gen.Regenerate(gt, ys, s, mhRng);
                if (Math.Log(mhRng.NextOpenDouble()) < w) gt = t2;
            }
            return gt.Score;
        }
        double SweepDyn()
        {
            foreach (var s in selections)
            {
                var (t2, w) = dyn.Regenerate(dt, ys, s, mhRng);
                if (Math.Log(mhRng.NextOpenDouble()) < w) dt = t2;
            }
            return dt.Score;
        }
        var hMu = mu0;
        var hTau = tau0;
        var hTheta = (double[])theta.Clone();
        var current = LogDensity(hMu, hTau, hTheta);
        double SweepHand()
        {
            // mu and tau from their priors, then each theta_k from N(mu, tau); ratio p(new)q(old)/p(old)q(new).
            var m = new Normal(0, 5).Sample(mhRng);
            var pNew = LogDensity(m, hTau, hTheta);
            if (Math.Log(mhRng.NextOpenDouble()) < pNew - current - new Normal(0, 5).LogDensity(m) + new Normal(0, 5).LogDensity(hMu)) { hMu = m; current = pNew; }
            var t = new HalfNormal(5).Sample(mhRng);
            pNew = LogDensity(hMu, t, hTheta);
            if (Math.Log(mhRng.NextOpenDouble()) < pNew - current - new HalfNormal(5).LogDensity(t) + new HalfNormal(5).LogDensity(hTau)) { hTau = t; current = pNew; }
            for (var k = 0; k < n; k++)
            {
                var prior = new Normal(hMu, hTau);
                var old = hTheta[k];
                hTheta[k] = prior.Sample(mhRng);
                pNew = LogDensity(hMu, hTau, hTheta);
                if (Math.Log(mhRng.NextOpenDouble()) < pNew - current - prior.LogDensity(hTheta[k]) + prior.LogDensity(old)) current = pNew;
                else hTheta[k] = old;
            }
            return current;
        }
        var (mh, mhMin) = TimeInterleavedBoth(SweepGen, SweepHand, SweepDyn);
        var (mhGen, mhHand, mhDyn) = (mh[0], mh[1], mh[2]);

        Console.WriteLine($"model: {2 + 2 * n} static sites ({2 + n} latent choices, {n} observations)");
        Console.WriteLine($"assess, generated (trace's own choices): {assessGen,10:F0} ns");
        Console.WriteLine($"assess, generated (dynamic trace's map):  {assessGenMap,10:F0} ns");
        Console.WriteLine($"assess, dynamic:                          {assessDyn,10:F0} ns");
        Console.WriteLine($"log density, hand-written:                {assessHand,10:F0} ns");
        Console.WriteLine($"allocated bytes per generated assess:     {allocPerAssess,10:F1}   (windows: {string.Join(", ", windows.Select(x => x.ToString("F3")))})");
        Console.WriteLine($"allocated bytes per assess, BenchmarkDotNet memory diagnoser: {allocBdn}");
        Console.WriteLine($"MH sweep ({latents.Length} regenerates), generated: {mhGen / 1000,10:F1} µs");
        Console.WriteLine($"MH sweep, dynamic:                        {mhDyn / 1000,10:F1} µs");
        Console.WriteLine($"MH sweep, hand-written:                   {mhHand / 1000,10:F1} µs");
        var loop = RunLoopRegression();
        var figures = new Dictionary<string, object>
        {
            ["benchmark"] = "generated",
            ["static_sites"] = 2 + 2 * n,
            ["assess_generated_ns"] = Math.Round(assessGen),
            ["assess_generated_choicemap_ns"] = Math.Round(assessGenMap),
            ["assess_dynamic_ns"] = Math.Round(assessDyn),
            ["assess_handwritten_ns"] = Math.Round(assessHand),
            ["mh_sweep_generated_us"] = Math.Round(mhGen / 1000, 1),
            ["mh_sweep_dynamic_us"] = Math.Round(mhDyn / 1000, 1),
            ["mh_sweep_handwritten_us"] = Math.Round(mhHand / 1000, 1),
            ["assess_speedup_vs_dynamic"] = Math.Round(assessDyn / assessGen, 1),
            ["mh_ratio_to_handwritten"] = Math.Round(mhGen / mhHand, 2),
            ["speedup_vs_dynamic_fastest_batches"] = Math.Round(mhMin[2] / mhMin[0], 1),
            ["ratio_to_handwritten_fastest_batches"] = Math.Round(assessMin[0] / assessMin[1], 2),
            ["speedup_vs_dynamic"] = Math.Round(mhDyn / mhGen, 1),
            ["ratio_to_handwritten"] = Math.Round(assessGen / assessHand, 2),
            ["allocated_bytes_per_assess_gc_counter"] = allocPerAssess,
            ["allocated_bytes_per_assess"] = allocBdn,
        };
        foreach (var (key, value) in loop) figures[key] = value;
        return figures;
    }

    /// <summary>
    /// <see cref="LoopRegression"/> against hand-written densities of the same model: Assess against plain C# over
    /// doubles, and the generated form's gradient against a hand-written <see cref="Real"/> density (a Normal node
    /// per row, not fused). Checks first that they agree.
    /// </summary>
    private static Dictionary<string, object> RunLoopRegression()
    {
        const int n = LoopRows, d = LoopCoefficients;
        var rng = new Rng(17);
        var trueW = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
        var xs = Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray()).ToArray();
        var ys = xs.Select(x => x.Select((v, j) => v * trueW[j]).Sum() + rng.NextGaussian()).ToArray();
        var args = (xs, ys);
        var model = LoopRegressionModel;

        const double halfLog2Pi = 0.91893853320467274178;
        double HandWritten(double[] w)
        {
            double lp = 0;
            for (var j = 0; j < w.Length; j++) lp += -0.5 * w[j] * w[j] - halfLog2Pi;
            for (var i = 0; i < xs.Length; i++)
            {
                var row = xs[i];
                double mean = 0;
                for (var j = 0; j < row.Length; j++) mean += row[j] * w[j];
                var r = ys[i] - mean;
                lp += -0.5 * r * r - halfLog2Pi;
            }
            return lp;
        }
        Real HandWrittenReal(ReadOnlySpan<Real> w)
        {
            Real lp = 0;
            for (var j = 0; j < w.Length; j++) lp += RealDensity.Normal(w[j], 0, 1);
            for (var i = 0; i < xs.Length; i++)
            {
                var row = xs[i];
                Real mean = 0;
                for (var j = 0; j < row.Length; j++) mean += row[j] * w[j];
                lp += RealDensity.Normal(ys[i], mean, 1);
            }
            return lp;
        }

        // The point: coefficients drawn at random. Assess reads them from a generated trace's own choices (as the
        // schools figures above), and also from a plain choice map holding the same values.
        var point = Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray();
        var constraints = ChoiceMap.From(point.Select((v, j) => (new Address("w", j), (object)v)).ToArray());
        var choices = model.Generate(args, constraints, new Rng(1)).Trace.Choices;
        var mapChoices = ChoiceMap.Empty;
        foreach (var j in Enumerable.Range(0, d)) mapChoices = mapChoices.Set(new Address("w", j), point[j]);
        foreach (var i in Enumerable.Range(0, n)) mapChoices = mapChoices.Set(new Address("y", i), ys[i]);
        var generated = ModelDensity.Create(model, args, ChoiceMap.Empty);
        var handReal = new AutodiffDensity(d, HandWrittenReal);
        var expectedAddresses = Enumerable.Range(0, d).Select(j => $"w/{j}").ToArray();
        if (!generated.Addresses.Select(a => a.ToString()).SequenceEqual(expectedAddresses))
            throw new InvalidOperationException($"loop regression: coordinates ({string.Join(", ", generated.Addresses)}), expected ({string.Join(", ", expectedAddresses)}).");
        static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-8 * Math.Max(1, Math.Abs(b));
        var csharp = HandWritten(point);
        var assessed = model.Assess(args, choices).Weight;
        if (!Close(assessed, csharp)) throw new InvalidOperationException($"loop regression: Assess {assessed}, hand-written C# {csharp}.");
        var assessedMap = model.Assess(args, mapChoices).Weight;
        if (!Close(assessedMap, csharp)) throw new InvalidOperationException($"loop regression: Assess from a choice map {assessedMap}, hand-written C# {csharp}.");
        var (gGen, gHand) = (new double[d], new double[d]);
        var vGen = generated.LogDensityAndGradient(point, gGen);
        var vHand = handReal.LogDensityAndGradient(point, gHand);
        if (!Close(vGen, vHand) || !Close(vHand, csharp))
            throw new InvalidOperationException($"loop regression: log densities differ (generated {vGen}, hand-written Real {vHand}, C# {csharp}).");
        for (var j = 0; j < d; j++)
            if (!Close(gGen[j], gHand[j]))
                throw new InvalidOperationException($"loop regression: gradient coordinate {j} is {gGen[j]}, hand-written {gHand[j]}.");
        Console.WriteLine($"loop regression ({n} rows x {d} coefficients): Assess, generated form and hand-written densities agree (log density {csharp:F6})");

        var (assess, _) = TimeInterleavedBoth(() => model.Assess(args, choices).Weight, () => HandWritten(point), () => model.Assess(args, mapChoices).Weight);
        var (gradient, _) = TimeInterleavedBoth(() => generated.LogDensityAndGradient(point, gGen), () => handReal.LogDensityAndGradient(point, gHand));
        Console.WriteLine($"loop regression assess, generated:        {assess[0] / 1000,10:F1} µs");
        Console.WriteLine($"loop regression log density, hand-written:{assess[1] / 1000,10:F1} µs   ({assess[0] / assess[1]:F2}x)");
        Console.WriteLine($"loop regression assess, from a choice map:{assess[2] / 1000,10:F1} µs   ({assess[2] / assess[1]:F2}x)");
        Console.WriteLine($"loop regression gradient, generated form: {gradient[0] / 1000,10:F1} µs");
        Console.WriteLine($"loop regression gradient, hand-written Real:{gradient[1] / 1000,8:F1} µs   ({gradient[0] / gradient[1]:F2}x)");
        return new Dictionary<string, object>
        {
            ["loop_rows"] = n,
            ["loop_coefficients"] = d,
            ["loop_assess_generated_us"] = Math.Round(assess[0] / 1000, 2),
            ["loop_assess_generated_choicemap_us"] = Math.Round(assess[2] / 1000, 2),
            ["loop_log_density_handwritten_us"] = Math.Round(assess[1] / 1000, 2),
            ["loop_gradient_generated_us"] = Math.Round(gradient[0] / 1000, 2),
            ["loop_gradient_handwritten_us"] = Math.Round(gradient[1] / 1000, 2),
            ["loop_ratio_to_handwritten"] = Math.Round(assess[0] / assess[1], 2),
            ["loop_gradient_ratio_to_handwritten"] = Math.Round(gradient[0] / gradient[1], 2),
        };
    }

    /// <summary>
    /// Times several functions in interleaved rounds (a batch of each per round) and returns each one's median
    /// time per call: on a shared, loaded machine the load then falls on all of them alike, so their ratios hold.
    /// Also returns each one's fastest batch (the least disturbed one).
    /// </summary>
    private static (double[] Median, double[] Min) TimeInterleavedBoth(params Func<double>[] fs)
    {
        double sink = 0;
        WarmUntilJitSettles(() => { foreach (var f in fs) sink += f(); });
        var samples = fs.Select(_ => new List<double>()).ToArray();
        for (var round = 0; round < 21; round++)
            for (var j = 0; j < fs.Length; j++)
            {
                var sw = Stopwatch.StartNew();
                var calls = 0;
                while (sw.ElapsedMilliseconds < 25)
                {
                    for (var i = 0; i < 10; i++) sink += fs[j]();
                    calls += 10;
                }
                samples[j].Add(sw.Elapsed.TotalNanoseconds / calls);
            }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        foreach (var l in samples) l.Sort();
        return (samples.Select(l => l[l.Count / 2]).ToArray(), samples.Select(l => l[0]).ToArray());
    }

    /// <summary>
    /// Runs <paramref name="f"/> until the JIT has stopped compiling (no method compiled, tier-1 recompilations
    /// included, for half a second): on a loaded machine the background tier-1 compiler can lag by seconds,
    /// and timing tier-0 code would make the comparison meaningless.
    /// </summary>
    private static void WarmUntilJitSettles(Action f)
    {
        var total = Stopwatch.StartNew();
        var quiet = Stopwatch.StartNew();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (total.ElapsedMilliseconds < 300 || (quiet.ElapsedMilliseconds < 500 && total.ElapsedMilliseconds < 20000))
        {
            f();
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }
    }

    /// <summary>Median over repeated batches of the time per call, after warm-up.</summary>
    private static double Time(Func<double> f)
    {
        double sink = 0;
        WarmUntilJitSettles(() => sink += f());
        var batches = new List<double>();
        for (var b = 0; b < 15; b++)
        {
            var sw = Stopwatch.StartNew();
            var calls = 0;
            while (sw.ElapsedMilliseconds < 60)
            {
                for (var i = 0; i < 10; i++) sink += f();
                calls += 10;
            }
            batches.Add(sw.Elapsed.TotalNanoseconds / calls);
        }
        if (double.IsNaN(sink)) Console.WriteLine("(NaN)");
        batches.Sort();
        return batches[batches.Count / 2];
    }
}
