using System.Diagnostics;
using Ppl.Inference.Mcmc;
using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>
/// Many HMC chains as one batched computation: positions [C, D], one leapfrog step of every chain per
/// tensor operation, gradients by TorchSharp autograd of a batched log density [C, D] → [C]. Step sizes are
/// per chain or shared (as NumPyro's vectorised chains); <see cref="ManyChainAdaptation.ChEES"/> adapts
/// a shared trajectory length from the whole ensemble, which suits many short chains. All chains take the
/// same number of leapfrog steps per iteration, so the computation stays one batch. The device and dtype
/// are those of the initial positions.
/// </summary>
public static class ManyChainHmc
{
    /// <summary>Runs the chains from <paramref name="initial"/> [C, D].</summary>
    /// <param name="logDensity">The batched unnormalised log density: [C, D] → [C], differentiable.</param>
    /// <param name="initial">Initial positions, one row per chain; their device and dtype are used throughout.</param>
    /// <param name="settings">Warm-up, draws, adaptation.</param>
    /// <param name="rng">The random source.</param>
    public static ManyChainHmcResult Sample(Func<Tensor, Tensor> logDensity, Tensor initial, ManyChainHmcSettings settings, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(logDensity);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rng);
        if (initial.dim() != 2) throw new ArgumentException($"The initial positions must be [chains, dimension], got [{string.Join(", ", initial.shape)}].", nameof(initial));
        ArgumentOutOfRangeException.ThrowIfNegative(settings.Warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Draws, 1);
        var chains = (int)initial.shape[0];
        var dim = (int)initial.shape[1];
        var device = initial.device;
        var dtype = initial.dtype;
        var chees = settings.Adaptation == ManyChainAdaptation.ChEES;
        var target = settings.TargetAccept ?? (chees ? 0.651 : 0.8);
        using var g = new TensorRandom(rng, device);
        using var outer = NewDisposeScope();
        using var ng = no_grad();

        var q = initial.detach().clone();
        var (lp, grad) = BatchedLeapfrog.ValueAndGradient(logDensity, q);
        if (!lp.isfinite().all().item<bool>())
            throw new ArgumentException("The log density is not finite at some initial positions: start the chains inside the support.", nameof(initial));
        var invMetric = ones(dim, dtype, device);
        var eps = Enumerable.Repeat(FindStepSize(logDensity, q, lp, grad, invMetric, settings.InitialStepSize, g), chains).ToArray();
        var perChain = settings.Adaptation == ManyChainAdaptation.PerChainStepSize;
        var da = eps.Select(e => DualAveraging.Start(e, target)).ToArray();
        var shared = DualAveraging.Start(eps[0], target);
        // Start from the fixed schemes' trajectory (LeapfrogSteps steps): the ChEES gradient is weak for one-step trajectories.
        var logT = Math.Log(eps[0] * settings.LeapfrogSteps);
        double adamM = 0, adamV = 0;
        var adamT = 0;
        var windowEnds = WindowEnds(settings.Warmup);
        Tensor? wSum = null, wSq = null;
        var wCount = 0;

        var draws = new double[settings.Draws][][];
        long leapfrogs = 0;
        double acceptSum = 0;
        var divergences = 0;
        var total = settings.Warmup + settings.Draws;
        var sw = Stopwatch.StartNew();
        var warmupTime = TimeSpan.Zero;
        for (var it = 0; it < total; it++)
        {
            settings.Cancellation.ThrowIfCancellationRequested();
            var warm = it < settings.Warmup;
            if (it == settings.Warmup)
            {
                warmupTime = sw.Elapsed;
                sw.Restart();
            }
            using var scope = NewDisposeScope();
            var steps = chees
                ? (int)Math.Clamp(Math.Ceiling(Halton(it + 1) * Math.Exp(logT) / eps[0]), 1, settings.MaxLeapfrogSteps)
                : settings.LeapfrogSteps;
            var epsT = tensor(eps, dtype, device).unsqueeze(1);
            var p0 = randn(new long[] { chains, dim }, dtype, device, generator: g.Next()) / invMetric.sqrt();
            var (q1, p1, lp1, grad1) = BatchedLeapfrog.Integrate(logDensity, q, p0, grad, epsT, invMetric, steps);
            var kinetic0 = (p0.Squared() * invMetric).sum(dim: 1).Times(0.5);
            var kinetic1 = (p1.Squared() * invMetric).sum(dim: 1).Times(0.5);
            var logAccept = settings.IgnoreKineticEnergy ? lp1 - lp : (lp1 - kinetic1 - lp).Plus(kinetic0);
            logAccept = logAccept.nan_to_num(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity).ClampMax(0);
            var alpha = logAccept.exp();
            var accept = rand(new long[] { chains }, dtype, device, generator: g.Next()).log().lt(logAccept);
            var alphaHost = alpha.to_type(ScalarType.Float64).cpu().data<double>().ToArray();

            if (chees && warm)
            {
                // ChEES gradient for the trajectory length: per chain, (‖θ'−θ̄'‖² − ‖θ−θ̄‖²)·(θ'−θ̄')·v', with
                // v' = M⁻¹p' the velocity at the end, times the jitter; weighted by the acceptance probability.
                var c0 = q - q.mean(new long[] { 0 }, keepdim: true);
                var c1 = q1 - q1.mean(new long[] { 0 }, keepdim: true);
                var diff = c1.Squared().sum(dim: 1) - c0.Squared().sum(dim: 1);
                var gPer = diff.Times(Halton(it + 1)) * (c1 * invMetric * p1).sum(dim: 1);
                var wsum = alpha.sum().ToDouble();
                if (wsum > 1e-10)
                {
                    var gHat = (alpha * gPer.nan_to_num(0, 0, 0)).sum().ToDouble() / wsum;
                    var gLog = gHat * Math.Exp(logT);
                    // Adam ascent on log T with β₁ = 0, β₂ = 0.95 (scale-free steps of about the learning rate).
                    adamT++;
                    adamM = gLog;
                    adamV = 0.95 * adamV + 0.05 * gLog * gLog;
                    var vHat = adamV / (1 - Math.Pow(0.95, adamT));
                    logT += settings.TrajectoryLearningRate * adamM / (Math.Sqrt(vHat) + 1e-8);
                    logT = Math.Min(logT, Math.Log(eps[0] * settings.MaxLeapfrogSteps));
                }
            }

            var (qOld, lpOld, gradOld) = (q, lp, grad);
            q = where(accept.unsqueeze(1), q1, q).MoveToOuterDisposeScope();
            lp = where(accept, lp1, lp).MoveToOuterDisposeScope();
            grad = where(accept.unsqueeze(1), grad1, grad).MoveToOuterDisposeScope();
            // The previous state belongs to the outer scope: free it now rather than at the end of the run.
            qOld.Dispose();
            lpOld.Dispose();
            gradOld.Dispose();

            if (warm)
            {
                if (perChain)
                    for (var c = 0; c < chains; c++) (da[c], eps[c]) = da[c].Update(alphaHost[c]);
                else
                {
                    (shared, var e) = shared.Update(alphaHost.Average());
                    Array.Fill(eps, e);
                }
                if (settings.AdaptMetric && windowEnds.Length > 0)
                {
                    if (wSum is null || wSq is null)
                    {
                        wSum = zeros(dim, ScalarType.Float64, device).MoveToOuterDisposeScope();
                        wSq = zeros(dim, ScalarType.Float64, device).MoveToOuterDisposeScope();
                    }
                    var q64 = q.to_type(ScalarType.Float64);
                    wSum.AddInPlace(q64.sum(dim: 0));
                    wSq.AddInPlace(q64.Squared().sum(dim: 0));
                    wCount += chains;
                    if (Array.IndexOf(windowEnds, it + 1) >= 0 && wCount > 2)
                    {
                        var mean = wSum.Over(wCount);
                        var variance = (wSq - mean.Squared().Times(wCount)).Over(wCount - 1);
                        // Shrink towards 1e-3 as Stan does, so that a short window cannot collapse a dimension.
                        var regularised = variance.Times(wCount / (wCount + 5.0)).Plus(1e-3 * (5.0 / (wCount + 5.0)));
                        invMetric.Dispose();
                        invMetric = regularised.ClampMin(1e-10).to(dtype).MoveToOuterDisposeScope();
                        wSum.zero_();
                        wSq.zero_();
                        wCount = 0;
                        var e0 = FindStepSize(logDensity, q, lp, grad, invMetric, eps.Average(), g);
                        Array.Fill(eps, e0);
                        for (var c = 0; c < chains; c++) da[c] = DualAveraging.Start(e0, target);
                        shared = DualAveraging.Start(e0, target);
                    }
                }
                if (it == settings.Warmup - 1)
                {
                    if (perChain) for (var c = 0; c < chains; c++) eps[c] = da[c].FinalStepSize;
                    else Array.Fill(eps, shared.FinalStepSize);
                }
            }
            else
            {
                leapfrogs += steps;
                acceptSum += alphaHost.Average();
                var dH = (lp1 - kinetic1 - lp).Plus(kinetic0).neg().nan_to_num(1e300, 1e300, 1e300);
                divergences += (int)dH.Gt(1000).sum().item<long>();
                var host = q.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                var d = new double[chains][];
                for (var c = 0; c < chains; c++) d[c] = host.AsSpan(c * dim, dim).ToArray();
                draws[it - settings.Warmup] = d;
            }
            settings.Progress?.Report(new Progress(it + 1, total));
        }
        var trajectory = chees ? Math.Exp(logT) : eps.Average() * settings.LeapfrogSteps;
        return new ManyChainHmcResult(draws, eps, trajectory, leapfrogs, acceptSum / settings.Draws, divergences,
            settings.Warmup == 0 ? TimeSpan.Zero : warmupTime, sw.Elapsed);
    }

    /// <summary>The base-2 van der Corput sequence in (0, 1): quasi-random jitter of the trajectory length.</summary>
    private static double Halton(int i)
    {
        double r = 0, f = 0.5;
        for (var k = i; k > 0; k >>= 1, f *= 0.5)
            if ((k & 1) != 0) r += f;
        return r;
    }

    /// <summary>Ends of the metric-adaptation windows: 15%, 30%, 50% and 75% of the warm-up.</summary>
    private static int[] WindowEnds(int warmup) =>
        warmup < 20 ? [] : new[] { 0.15, 0.3, 0.5, 0.75 }.Select(f => (int)(f * warmup)).Distinct().ToArray();

    /// <summary>Doubles or halves a shared step size until one leapfrog step's mean acceptance crosses 1/2.</summary>
    private static double FindStepSize(Func<Tensor, Tensor> logDensity, Tensor q, Tensor lp, Tensor grad, Tensor invMetric, double eps, TensorRandom g)
    {
        double? direction = null;
        for (var k = 0; k < 30; k++)
        {
            using var scope = NewDisposeScope();
            var p0 = randn(q.shape, q.dtype, q.device, generator: g.Next()) / invMetric.sqrt();
            var epsT = TensorArithmetic.Full([q.shape[0], 1], eps, q.dtype, q.device);
            var (_, p1, lp1, _) = BatchedLeapfrog.Integrate(logDensity, q, p0, grad, epsT, invMetric, 1);
            var logA = (lp1 - (p1.Squared() * invMetric).sum(dim: 1).Times(0.5) - lp).Plus((p0.Squared() * invMetric).sum(dim: 1).Times(0.5))
                .nan_to_num(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity).ClampMax(0);
            var a = logA.exp().mean().ToDouble();
            var up = a > 0.5;
            if (direction is { } d && (d > 0) != up) return eps;
            direction = up ? 1 : -1;
            eps = up ? eps * 2 : eps / 2;
        }
        return eps;
    }
}
