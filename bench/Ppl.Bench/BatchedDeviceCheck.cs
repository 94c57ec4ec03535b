using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using Ppl;
using Ppl.Inference.Batched;
using Ppl.Inference.Smc;
using TorchSharp;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

/// <summary>
/// Correctness of the batched tensor paths on a device (<c>batched-check --device cuda --dtype float32</c>),
/// against exact answers, for machines where the test suite cannot run (a GPU machine with only the .NET
/// runtime): the unit tests cover the same properties on the CPU. Each check prints PASS or FAIL with its
/// figures; the JSON's <c>all_passed</c> is false (and the exit status 1) when any fails.
/// <list type="bullet">
/// <item>importance sampling on the curve-fitting model: log Ẑ against the exact Gaussian marginal
/// likelihood, within 5 delta-method standard errors;</item>
/// <item>bootstrap SMC on the linear-Gaussian state-space model: Ẑ/Z averaged over independent runs is 1
/// within 5 standard errors (unbiasedness), Z from a Kalman filter;</item>
/// <item>many-chain ChEES-HMC on a Gaussian with scales 0.1 … 10: means within 5 Monte Carlo standard
/// errors, standard deviations within 5 standard errors;</item>
/// <item>the batched log joint computed on the device equals the one computed on the CPU in float64 for the
/// same values (to float32 rounding for float32);</item>
/// <item>many-chain HMC on a density made from a batched model (the logistic regression) mixes: split R̂ below
/// 1.05 and a bulk ESS of at least 1% of the draws. On CUDA this caught draws that repeated every iteration
/// because each density evaluation re-seeded the device's shared generator;</item>
/// <item>the batched reparameterised ELBO gradient on z ~ N(0, 1), y ~ N(z, 1) with guide N(m, s²) against
/// its closed form (∂/∂m = y − 2m, ∂/∂log s = 1 − 2s²), within 5 standard errors of the per-particle
/// gradients;</item>
/// <item>the batched form the generator emits for the scalar <c>[Model]</c> curve fit: importance sampling with
/// it gives the hand-written batched model's log evidence under the same seed (the draws line up) and the
/// exact one within 5 standard errors.</item>
/// </list>
/// </summary>
internal static class BatchedDeviceCheck
{
    public static Dictionary<string, object> Run(string[] args)
    {
        torch.set_num_threads(1);
        var device = torch.device(BatchedBenchmark.Option(args, "device", "cpu")[0]);
        var dtype = BatchedBenchmark.Option(args, "dtype", "float64")[0] == "float32" ? ScalarType.Float32 : ScalarType.Float64;
        var large = device.type == DeviceType.CUDA;
        if (large && !torch.cuda.is_available())
            throw new InvalidOperationException("--device cuda, but torch.cuda.is_available() is false.");
        Console.WriteLine($"batched-check on {device}, {dtype}");
        var results = new Dictionary<string, object> { ["benchmark"] = "batched-check", ["device"] = device.ToString(), ["dtype"] = dtype.ToString() };
        var all = true;
        void Report(string name, bool pass, string detail, double seconds)
        {
            all &= pass;
            results[name] = pass;
            Console.WriteLine($"  {(pass ? "PASS" : "FAIL")} {name}: {detail} ({seconds:F2} s)");
        }

        Timed(() => ImportanceSampling(device, dtype, large ? 1 << 20 : 100_000), out var s1, out var r1);
        Report("is_log_evidence", r1.Pass, r1.Detail, s1);
        Timed(() => SmcUnbiased(device, dtype, large ? 4096 : 256, large ? 64 : 32), out var s2, out var r2);
        Report("smc_evidence_unbiased", r2.Pass, r2.Detail, s2);
        Timed(() => HmcGaussian(device, dtype, large ? 4096 : 256), out var s3, out var r3);
        Report("hmc_gaussian_moments", r3.Pass, r3.Detail, s3);
        Timed(() => DeviceMatchesCpu(device, dtype), out var s4, out var r4);
        Report("device_matches_cpu", r4.Pass, r4.Detail, s4);
        Timed(() => HmcLogisticConverges(device, dtype, large ? 4096 : 256), out var s5, out var r5);
        Report("hmc_model_density_mixes", r5.Pass, r5.Detail, s5);
        Timed(() => ElboGradient(device, dtype, large ? 1 << 20 : 100_000), out var s6, out var r6);
        Report("elbo_gradient_exact", r6.Pass, r6.Detail, s6);
        Timed(() => GeneratedBatchedForm(device, dtype, large ? 1 << 20 : 100_000), out var s7, out var r7);
        Report("generated_batched_form", r7.Pass, r7.Detail, s7);
        results["all_passed"] = all;
        Console.WriteLine(all ? "all checks passed" : "SOME CHECKS FAILED");
        return results;
    }

    private readonly record struct Outcome(bool Pass, string Detail);

    private static Outcome ImportanceSampling(Device device, ScalarType dtype, int n)
    {
        var (xs, ys) = BatchedBenchmark.CurveData();
        var obs = new BatchedChoices();
        for (var i = 0; i < ys.Length; i++) obs.Set(new Address("y", i), tensor(ys[i], dtype, device));
        using var scope = NewDisposeScope();
        var samples = BatchedImportanceSampling.Run(BatchedBenchmark.BatchedCurve, xs, obs, n, new Rng(11), device, dtype);
        var se = LogEvidenceSe(samples.LogWeights);
        var exact = CurveLogEvidence(xs, ys);
        var err = samples.LogEvidence - exact;
        var tol = 5 * se + (dtype == ScalarType.Float32 ? 1e-3 : 1e-9);
        return new(Math.Abs(err) < tol, $"N = {n}, log Z {samples.LogEvidence:F4} vs exact {exact:F4}, error {err:+0.0000;-0.0000}, 5 SE = {5 * se:F4}, ESS {samples.EffectiveSampleSize:F0}");
    }

    /// <summary>Delta-method standard error of log Ẑ from N log weights: sqrt((E[w²]/E[w]² − 1) / N).</summary>
    private static double LogEvidenceSe(Tensor logWeights)
    {
        var lw = logWeights.to_type(ScalarType.Float64);
        var w = (lw - lw.max()).exp();
        return Math.Sqrt(((w.Squared().mean() / w.mean().Squared()).item<double>() - 1) / lw.shape[0]);
    }

    /// <summary>y ~ N(0, Φ Φᵀ + σ² I) with Φ the cubic design and w ~ N(0, I), σ = 0.5.</summary>
    private static double CurveLogEvidence(double[] xs, double[] ys)
    {
        var phi = Matrix<double>.Build.Dense(xs.Length, BatchedBenchmark.Degree + 1, (i, j) => Math.Pow(xs[i], j));
        var cov = phi * phi.Transpose() + Matrix<double>.Build.DenseIdentity(xs.Length) * 0.25;
        var chol = cov.Cholesky();
        var y = Vector<double>.Build.DenseOfArray(ys);
        return -0.5 * (y * chol.Solve(y) + chol.DeterminantLn + xs.Length * Math.Log(2 * Math.PI));
    }

    private static Outcome SmcUnbiased(Device device, ScalarType dtype, int particles, int runs)
    {
        const int steps = 50;
        var rng = new Rng(21);
        var ys = new double[steps];
        var x = rng.NextGaussian();
        for (var t = 0; t < steps; t++)
        {
            x = 0.9 * x + rng.NextGaussian();
            ys[t] = x + 0.5 * rng.NextGaussian();
        }
        var model = new BatchedStateSpaceModel("lgssm",
            tr => tr.Sample("x", new TNormal(tr.Scalar(0), tr.Scalar(1))),
            (tr, _, prev) =>
            {
                var xt = tr.Sample("x", new TNormal(prev.Times(0.9), tr.Scalar(1)));
                tr.Sample("y", new TNormal(xt, tr.Scalar(0.5)));
                return xt;
            });
        var obs = ys.Select(v => new BatchedChoices().Set("y", tensor(v, dtype, device))).ToList();
        var exact = ScalarKalman.Filter(ys).LogEvidence;
        var ratios = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            using var scope = NewDisposeScope();
            ratios[r] = Math.Exp(BatchedSmc.Run(model, obs, particles, new Rng(1000 + (ulong)r), new BatchedSmcOptions { Device = device, DType = dtype }).LogEvidence - exact);
        }
        var mean = ratios.Average();
        var se = Math.Sqrt(ratios.Sum(v => (v - mean) * (v - mean)) / (runs - 1) / runs);
        var tol = 5 * se + (dtype == ScalarType.Float32 ? 0.01 : 0);
        return new(Math.Abs(mean - 1) < tol, $"N = {particles}, T = {steps}, {runs} runs: mean Ẑ/Z {mean:F4}, 5 SE = {5 * se:F4}, exact log Z {exact:F3}");
    }

    private static Outcome HmcGaussian(Device device, ScalarType dtype, int chains)
    {
        double[] mu = { 1, -2, 0.5, 3, 0 }, sd = { 0.1, 1, 10, 2, 0.5 };
        var d = mu.Length;
        var muT = tensor(mu, dtype, device);
        var sdT = tensor(sd, dtype, device);
        Tensor Density(Tensor q) => ((q - muT) / sdT).Squared().sum(1).Times(-0.5);
        ManyChainHmcResult res;
        using (var scope = NewDisposeScope())
            res = ManyChainHmc.Sample(Density, InitialPositions(chains, d, 3.0, 0.0, dtype, device), new ManyChainHmcSettings { Warmup = 300, Draws = 100 }, new Rng(31));
        var ess = res.EssBulk();
        var means = res.Mean();
        var pass = true;
        var parts = new List<string>();
        for (var j = 0; j < d; j++)
        {
            var draws = res.Parameter(j).SelectMany(c => c).ToArray();
            var m = draws.Average();
            var s = Math.Sqrt(draws.Sum(v => (v - m) * (v - m)) / (draws.Length - 1));
            var meanOk = Math.Abs(m - mu[j]) < 5 * sd[j] / Math.Sqrt(ess[j]);
            // sd of a sample sd ≈ σ / sqrt(2 ESS) (Gaussian); ESS of the squares is not the ESS of the values, so allow 2x.
            var sdOk = Math.Abs(s - sd[j]) < 5 * sd[j] * Math.Sqrt(2.0 / ess[j]) * 2;
            pass &= meanOk && sdOk;
            parts.Add($"[{m:G4} ± {sd[j] / Math.Sqrt(ess[j]):G2} vs {mu[j]}, sd {s:G4} vs {sd[j]}]");
        }
        return new(pass, $"{chains} chains, accept {res.AcceptRate:F2}, min ESS {ess.Min():F0}: " + string.Join(" ", parts));
    }

    private static Outcome DeviceMatchesCpu(Device device, ScalarType dtype)
    {
        var (xs, _) = BatchedBenchmark.CurveData();
        const int n = 1000;
        using var scope = NewDisposeScope();
        var trace = BatchedBenchmark.BatchedCurve.Simulate(xs, n, new Rng(41));
        var onDevice = new BatchedChoices();
        foreach (var a in trace.Choices.Addresses) onDevice.Set(a, trace.Choices[a].to(dtype, device));
        var cpu = BatchedBenchmark.BatchedCurve.Assess(xs, trace.Choices, n).LogDensity;
        var dev = BatchedBenchmark.BatchedCurve.Assess(xs, onDevice, n, device, dtype).LogDensity.to_type(ScalarType.Float64).cpu();
        var maxErr = (dev - cpu).abs().max().item<double>();
        var scale = cpu.abs().max().item<double>();
        var tol = (dtype == ScalarType.Float32 ? 1e-5 : 1e-12) * Math.Max(1, scale) * Sites;
        return new(maxErr <= tol, $"{n} traces, max |device − cpu| {maxErr:E2} (tolerance {tol:E1}, |log p| up to {scale:F1})");
    }

    private static Outcome HmcLogisticConverges(Device device, ScalarType dtype, int chains)
    {
        var (xs, ys) = BatchedBenchmark.LogisticData();
        var density = BatchedBenchmark.BatchedLogistic(xs, ys, device, dtype);
        ManyChainHmcResult res;
        using (var scope = NewDisposeScope())
            res = ManyChainHmc.Sample(density, InitialPositions(chains, 11, 0.4, -0.2, dtype, device), new ManyChainHmcSettings { Warmup = 200, Draws = 100 }, new Rng(51));
        var ess = res.EssBulk().Min();
        var rhat = Enumerable.Range(0, 11).Max(d => Ppl.Inference.Diagnostics.ConvergenceDiagnostics.Rhat(res.Parameter(d)));
        var draws = (double)chains * 100;
        return new(rhat < 1.05 && ess > 0.01 * draws, $"{chains} chains x (200 + 100): max R-hat {rhat:F3}, min bulk ESS {ess:F0} of {draws:F0} draws, accept {res.AcceptRate:F2}");
    }

    /// <summary>Uniform initial positions in [offset, offset + width), from a fixed seed drawn on the CPU (the same on every device).</summary>
    private static Tensor InitialPositions(int chains, int dim, double width, double offset, ScalarType dtype, Device device)
    {
        using var g = new torch.Generator(61);
        return rand(new long[] { chains, dim }, ScalarType.Float64, generator: g).Times(width).Plus(offset).to(dtype, device);
    }

    private static Outcome ElboGradient(Device device, ScalarType dtype, int n)
    {
        const double y = 1.3, m0 = 0.2, s0 = 0.8;
        var model = BatchedModel.Create<Unit, Tensor>("conjugate", (t, _) =>
        {
            var z = t.Sample("z", new TNormal(t.Scalar(0), t.Scalar(1)));
            t.Sample("y", new TNormal(z, t.Scalar(1)));
            return z;
        });
        var guide = BatchedModel.Create<(Tensor M, Tensor LogS), Tensor>("guide", (t, a) => t.Sample("z", new TNormal(a.M, a.LogS.exp())));
        using var scope = NewDisposeScope();
        var m = tensor(m0, dtype, device).requires_grad_(true);
        var logS = tensor(Math.Log(s0), dtype, device).requires_grad_(true);
        var obs = new BatchedChoices().Set("y", tensor(y, dtype, device));
        var elbo = BatchedVariational.Elbo(model, Unit.Value, obs, guide, (m, logS), n, new Rng(71), device, dtype);
        var grads = torch.autograd.grad(new[] { elbo.Value }, new[] { m, logS });
        var gm = grads[0].ToDoubleValue();
        var gs = grads[1].ToDoubleValue();
        // With z = m + s ε, the per-particle gradients are ∂/∂m = y − 2z and ∂/∂log s = (y − 2z) s ε + 1, whose
        // standard deviations are 2s and sqrt((y − 2m)² s² + 8 s⁴); the estimate is their mean over N.
        var sdM = 2 * s0;
        var sdS = Math.Sqrt((y - 2 * m0) * (y - 2 * m0) * s0 * s0 + 8 * Math.Pow(s0, 4));
        double exactM = y - 2 * m0, exactS = 1 - 2 * s0 * s0;
        var tolM = 5 * sdM / Math.Sqrt(n) + (dtype == ScalarType.Float32 ? 1e-3 : 0);
        var tolS = 5 * sdS / Math.Sqrt(n) + (dtype == ScalarType.Float32 ? 1e-3 : 0);
        var pass = Math.Abs(gm - exactM) < tolM && Math.Abs(gs - exactS) < tolS;
        return new(pass, $"N = {n}: dELBO/dm {gm:F4} vs {exactM:F4} (5 SE {tolM:F4}), dELBO/dlog s {gs:F4} vs {exactS:F4} (5 SE {tolS:F4})");
    }

    private static Outcome GeneratedBatchedForm(Device device, ScalarType dtype, int n)
    {
        var (xs, ys) = BatchedBenchmark.CurveData();
        var obs = new BatchedChoices();
        for (var i = 0; i < ys.Length; i++) obs.Set(new Address("y", i), tensor(ys[i], dtype, device));
        using var scope = NewDisposeScope();
        var generated = BatchedImportanceSampling.Run(GeneratedCurveFit.CurveFitBatched, xs, obs, n, new Rng(81), device, dtype);
        var handWritten = BatchedImportanceSampling.Run(BatchedBenchmark.BatchedCurve, xs, obs, n, new Rng(81), device, dtype);
        var se = LogEvidenceSe(generated.LogWeights);
        var exact = CurveLogEvidence(xs, ys);
        var same = Math.Abs(generated.LogEvidence - handWritten.LogEvidence) < (dtype == ScalarType.Float32 ? 1e-3 : 1e-9);
        var close = Math.Abs(generated.LogEvidence - exact) < 5 * se + (dtype == ScalarType.Float32 ? 1e-3 : 1e-9);
        return new(same && close, $"N = {n}: generated log Z {generated.LogEvidence:F6}, hand-written {handWritten.LogEvidence:F6}, exact {exact:F4} (5 SE {5 * se:F4})");
    }

    private const int Sites = BatchedBenchmark.Degree + 1 + BatchedBenchmark.Points;

    private static void Timed(Func<Outcome> f, out double seconds, out Outcome outcome)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            outcome = f();
        }
        catch (Exception e)
        {
            outcome = new Outcome(false, "threw " + e.GetType().Name + ": " + e.Message);
        }
        seconds = sw.Elapsed.TotalSeconds;
    }
}
