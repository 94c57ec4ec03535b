namespace Ppl.Inference.Smc;

/// <summary>
/// Tempered (annealed) SMC from the prior to the posterior (Neal 2001; Del Moral, Doucet and Jasra 2006):
/// targets πₖ(x) ∝ p(x) L(x)^βₖ with 0 = β₀ &lt; … &lt; β_K = 1. Each stage reweights by L^(βₖ − βₖ₋₁),
/// resamples when the ESS is low and moves every particle by MH steps that leave πₖ invariant: random-walk steps for a
/// density over ℝᵈ given as delegates, single-site prior proposals through <c>Regenerate</c> for a generative function
/// (both front ends share one loop).
/// With a fixed schedule and proposal scale, the weight sum is an unbiased estimate of Z = ∫ p(x) L(x) dx.
/// An adaptive schedule picks each βₖ by bisection so the conditional ESS of the reweighting is a set
/// fraction of N (consistent, with a small bias in Ẑ).
/// </summary>
public static partial class TemperedSmc
{
    /// <summary>Runs tempered SMC on a density over ℝᵈ.</summary>
    /// <param name="samplePrior">Draws x from the prior.</param>
    /// <param name="logPrior">log p(x) (up to a constant is not enough: the evidence needs it normalised).</param>
    /// <param name="logLikelihood">log L(x).</param>
    /// <param name="particles">N ≥ 1.</param>
    /// <param name="rng">Random source.</param>
    /// <param name="settings">Schedule, moves and resampling.</param>
    /// <param name="options">Parallelism (moves), progress (per stage) and cancellation.</param>
    public static TemperedSmcResult Run(Func<Rng, double[]> samplePrior, Func<double[], double> logPrior, Func<double[], double> logLikelihood,
        int particles, Rng rng, TemperedSmcSettings? settings = null, RunOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samplePrior);
        ArgumentNullException.ThrowIfNull(logPrior);
        ArgumentNullException.ThrowIfNull(logLikelihood);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        settings ??= TemperedSmcSettings.Default;
        options ??= RunOptions.Default;
        var xs = new double[particles][];
        var logL = new double[particles];
        ParticleParallel.For(particles, rng, options, (i, r) =>
        {
            xs[i] = samplePrior(r);
            logL[i] = logLikelihood(xs[i]);
        });
        var dim = xs[0].Length;
        var run = Core(xs, logL, rng, settings, options, (x, population, beta) =>
        {
            // Random-walk scale per coordinate: fixed, or 2.38/√d times the particles' weighted sd.
            var scale = settings.ProposalScale is { } s ? Enumerable.Repeat(s, dim).ToArray() : AdaptiveScale(x, population, dim);
            return (current, currentL, r) =>
            {
                var accepted = 0;
                var currentLog = logPrior(current) + beta * currentL;
                for (var m = 0; m < settings.MoveSteps; m++)
                {
                    var proposal = new double[dim];
                    for (var j = 0; j < dim; j++) proposal[j] = current[j] + scale[j] * r.NextGaussian();
                    var prior = logPrior(proposal);
                    if (!(prior > double.NegativeInfinity)) continue;
                    var lik = logLikelihood(proposal);
                    var log = prior + (double.IsNegativeInfinity(lik) ? double.NegativeInfinity : beta * lik);
                    if (log - currentLog >= 0 || Math.Log(r.NextOpenDouble()) < log - currentLog)
                    {
                        (current, currentL, currentLog) = (proposal, lik, log);
                        accepted++;
                    }
                }
                return (current, currentL, accepted, settings.MoveSteps);
            };
        });
        return new TemperedSmcResult(run.Particles, run.LogWeights, run.LogEvidence, run.Temperatures, run.Steps, run.Ancestry, run.AcceptanceRate);
    }

    /// <summary>
    /// One particle's moves at one stage: from (particle, log L) with its own stream to the moved particle, its log L,
    /// and how many proposals were accepted out of how many tried. It must leave πβ ∝ p·L^β invariant.
    /// </summary>
    private delegate (T Particle, double LogLikelihood, int Accepted, int Tried) TemperedMove<T>(T particle, double logLikelihood, Rng rng);

    /// <summary>What <see cref="Core{T}"/> returns; each front end wraps it in its own result type.</summary>
    private sealed record TemperedRun<T>(T[] Particles, double[] LogWeights, double LogEvidence, List<double> Temperatures,
        List<SmcStep> Steps, List<int[]?> Ancestry, double AcceptanceRate);

    /// <summary>
    /// The tempered SMC loop shared by every front end (a density over ℝᵈ, a generative function): pick the next
    /// temperature (fixed or by conditional-ESS bisection), reweight by L^(β′−β), resample when the ESS is low, then
    /// move every live particle with the kernel <paramref name="movesAt"/> builds for this stage (after resampling,
    /// so it may adapt to the population: with a fixed schedule and a kernel that does not look at the population,
    /// Ẑ is unbiased). The particles start as prior draws with log L given in <paramref name="logL"/>.
    /// </summary>
    private static TemperedRun<T> Core<T>(T[] xs, double[] logL, Rng rng, TemperedSmcSettings settings, RunOptions options,
        Func<T[], Population<int>, double, TemperedMove<T>> movesAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(settings.MoveSteps);
        var particles = xs.Length;
        var population = Population<int>.Spawn(particles, i => i);
        var schedule = new List<double> { 0.0 };
        var steps = new List<SmcStep>();
        var ancestry = new List<int[]?>();
        long tried = 0, moved = 0;
        var beta = 0.0;
        for (var stage = 1; beta < 1; stage++)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            var next = settings.Temperatures is { } fixedSchedule
                ? (stage < fixedSchedule.Count ? fixedSchedule[stage] : 1.0)
                : NextTemperature(population.LogWeights, logL, beta, settings.TargetConditionalEss);
            if (!(next > beta) || next > 1) throw new ArgumentException($"Temperatures must increase from 0 to 1; got {next} after {beta}.");
            var delta = next - beta;
            beta = next;
            schedule.Add(beta);
            // Particles with L = 0 get weight 0 (their log L is −∞): the product 0·(−∞) is never formed.
            population = population.WithLogWeights(population.LogWeights.Select((w, i) => double.IsNegativeInfinity(logL[i]) ? double.NegativeInfinity : w + delta * logL[i]).ToArray());
            if (double.IsNegativeInfinity(population.LogEvidence))
                throw new InferenceException($"Every particle has likelihood zero at temperature {beta}; the prior and likelihood do not overlap for these {particles} particles.");
            var ess = population.EffectiveSampleSize;
            var evidence = population.LogEvidence;
            int[]? parents = null;
            if (ess < settings.EssThreshold * particles)
            {
                population = population.Resample(settings.Resampler, rng);
                parents = population.Ancestors!.ToArray();
                xs = parents.Select(a => xs[a]).ToArray();
                logL = parents.Select(a => logL[a]).ToArray();
                population = new Population<int>(Enumerable.Range(0, particles).ToArray(), population.LogWeights);
            }
            var move = movesAt(xs, population, beta);
            var accepted = new int[particles];
            var proposed = new int[particles];
            var x = xs;
            var l = logL;
            var lw = population.LogWeights;
            ParticleParallel.For(particles, rng, options, (i, r) =>
            {
                // A particle of weight zero stays as it is: it carries no mass, and its −∞ log L would make the ratio NaN.
                if (double.IsNegativeInfinity(lw[i])) return;
                (x[i], l[i], accepted[i], proposed[i]) = move(x[i], l[i], r);
            });
            tried += proposed.Sum(p => (long)p);
            moved += accepted.Sum(a => (long)a);
            ancestry.Add(parents);
            steps.Add(new SmcStep(stage, ess, parents is not null, evidence, parents is null ? particles : parents.Distinct().Count()));
            options.Progress?.Report(new Progress(stage, settings.Temperatures?.Count - 1 ?? stage + 1));
        }
        return new TemperedRun<T>(xs, population.LogWeights.ToArray(), population.LogEvidence, schedule, steps, ancestry,
            tried == 0 ? double.NaN : (double)moved / tried);
    }

    /// <summary>The β' &gt; β at which the conditional ESS of the reweighting L^(β'−β) is the target fraction of N (1 if it never falls that low).</summary>
    private static double NextTemperature(IReadOnlyList<double> logWeights, double[] logL, double beta, double target)
    {
        var n = logWeights.Count;
        double Cess(double delta)
        {
            // (Σ wᵢ gᵢ)² / (Σ wᵢ gᵢ²) / Σ wᵢ with gᵢ = L^δ, wᵢ normalised: in [1/N, 1].
            var max = double.NegativeInfinity;
            for (var i = 0; i < n; i++) max = Math.Max(max, logWeights[i] + delta * logL[i]);
            var wmax = logWeights.Max();
            double s1 = 0, s2 = 0, s0 = 0;
            for (var i = 0; i < n; i++)
            {
                if (double.IsNegativeInfinity(logL[i]) || double.IsNegativeInfinity(logWeights[i])) continue;
                var a = Math.Exp(logWeights[i] + delta * logL[i] - max);
                s1 += a;
                s2 += a * a / Math.Exp(logWeights[i] - wmax);
                s0 += Math.Exp(logWeights[i] - wmax);
            }
            return s1 * s1 / (s2 * s0);
        }
        if (Cess(1 - beta) >= target) return 1.0;
        double lo = 0, hi = 1 - beta;
        for (var k = 0; k < 50; k++)
        {
            var mid = 0.5 * (lo + hi);
            if (Cess(mid) >= target) lo = mid; else hi = mid;
        }
        return beta + Math.Max(lo, 1e-12);
    }

    private static double[] AdaptiveScale(double[][] xs, Population<int> population, int dim)
    {
        var w = population.NormalizedWeights();
        var scale = new double[dim];
        for (var j = 0; j < dim; j++)
        {
            double m = 0, v = 0;
            for (var i = 0; i < xs.Length; i++) m += w[i] * xs[i][j];
            for (var i = 0; i < xs.Length; i++) v += w[i] * (xs[i][j] - m) * (xs[i][j] - m);
            scale[j] = 2.38 / Math.Sqrt(dim) * Math.Max(Math.Sqrt(v), 1e-8);
        }
        return scale;
    }
}

/// <summary>Settings of <see cref="TemperedSmc"/>.</summary>
public sealed record TemperedSmcSettings
{
    /// <summary>Adaptive schedule (conditional ESS 0.5), 5 MH steps per stage, adaptive scale, resampling when ESS &lt; N/2.</summary>
    public static TemperedSmcSettings Default { get; } = new();

    /// <summary>A fixed schedule 0 = β₀ &lt; … &lt; β_K = 1, or null for the adaptive one.</summary>
    public IReadOnlyList<double>? Temperatures { get; init; }

    /// <summary>For the adaptive schedule: the conditional ESS fraction each stage aims at.</summary>
    public double TargetConditionalEss { get; init; } = 0.5;

    /// <summary>
    /// MH steps per particle per stage: random-walk steps for a density; for a generative function, sweeps, each
    /// proposing every latent choice once.
    /// </summary>
    public int MoveSteps { get; init; } = 5;

    /// <summary>
    /// A fixed random-walk sd, or null to use 2.38/√d times the particles' sd per coordinate. Used by the density
    /// front end only: on a generative function the moves propose from the prior (see the generative function overload).
    /// </summary>
    public double? ProposalScale { get; init; }

    /// <summary>Resample when ESS &lt; threshold · N.</summary>
    public double EssThreshold { get; init; } = 0.5;

    /// <summary>The resampling scheme.</summary>
    public IResampler Resampler { get; init; } = Resamplers.Systematic;

    /// <summary>
    /// Negative control for tests only: accept generative-function moves by the untempered ratio (the Regenerate
    /// weight alone, i.e. as if β were 1), so the moves target the posterior instead of πβ and Ẑ is biased.
    /// </summary>
    internal bool UntemperedAcceptance { get; init; }
}

/// <summary>The outcome of <see cref="TemperedSmc"/>.</summary>
/// <param name="Particles">The final particles (posterior draws, with weights).</param>
/// <param name="LogWeights">Their unnormalised log weights (log-sum-exp = <paramref name="LogEvidence"/>).</param>
/// <param name="LogEvidence">log Ẑ.</param>
/// <param name="Temperatures">The schedule used, starting at 0 and ending at 1.</param>
/// <param name="Steps">ESS (after reweighting), resampling and running log Ẑ per stage.</param>
/// <param name="Ancestry">Parents after each stage's resampling (null where none).</param>
/// <param name="AcceptanceRate">Fraction of MH moves accepted.</param>
public sealed record TemperedSmcResult(IReadOnlyList<double[]> Particles, IReadOnlyList<double> LogWeights, double LogEvidence,
    IReadOnlyList<double> Temperatures, IReadOnlyList<SmcStep> Steps, IReadOnlyList<int[]?> Ancestry, double AcceptanceRate)
{
    /// <summary>The self-normalised posterior mean of f.</summary>
    public double Mean(Func<double[], double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Particles.Count; i++) s += Math.Exp(LogWeights[i] - LogEvidence) * f(Particles[i]);
        return s;
    }

    /// <summary>A printable summary: one row per stage.</summary>
    public string Summary(int maxRows = 20)
    {
        return SmcSummary.Table($"tempered SMC ({Temperatures.Count - 1} stages, MH acceptance {AcceptanceRate:F2})", Particles.Count, LogEvidence, SmcSummary.KishEss(LogWeights, LogEvidence),
            Steps, SmcSummary.SurvivingLineages(Ancestry, Particles.Count), maxRows);
    }
}
