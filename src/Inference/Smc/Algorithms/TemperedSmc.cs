namespace Ppl.Inference.Smc;

/// <summary>
/// Tempered (annealed) SMC from the prior to the posterior (Neal 2001; Del Moral, Doucet and Jasra 2006):
/// targets πₖ(x) ∝ p(x) L(x)^βₖ with 0 = β₀ &lt; … &lt; β_K = 1. Each stage reweights by L^(βₖ − βₖ₋₁),
/// resamples when the ESS is low and moves every particle by random-walk MH steps that leave πₖ invariant.
/// With a fixed schedule and proposal scale, the weight sum is an unbiased estimate of Z = ∫ p(x) L(x) dx.
/// An adaptive schedule picks each βₖ by bisection so the conditional ESS of the reweighting is a set
/// fraction of N (consistent, with a small bias in Ẑ).
/// </summary>
public static class TemperedSmc
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
            // Random-walk scale per coordinate: fixed, or 2.38/√d times the particles' weighted sd.
            var scale = settings.ProposalScale is { } s ? Enumerable.Repeat(s, dim).ToArray() : AdaptiveScale(xs, population, dim);
            var accepted = new int[particles];
            var b = beta;
            var x = xs;
            var l = logL;
            ParticleParallel.For(particles, rng, options, (i, r) =>
            {
                var current = x[i];
                var currentL = l[i];
                var currentLog = logPrior(current) + b * currentL;
                for (var m = 0; m < settings.MoveSteps; m++)
                {
                    var proposal = new double[dim];
                    for (var j = 0; j < dim; j++) proposal[j] = current[j] + scale[j] * r.NextGaussian();
                    var prior = logPrior(proposal);
                    if (!(prior > double.NegativeInfinity)) continue;
                    var lik = logLikelihood(proposal);
                    var log = prior + (double.IsNegativeInfinity(lik) ? double.NegativeInfinity : b * lik);
                    if (log - currentLog >= 0 || Math.Log(r.NextOpenDouble()) < log - currentLog)
                    {
                        (current, currentL, currentLog) = (proposal, lik, log);
                        accepted[i]++;
                    }
                }
                x[i] = current;
                l[i] = currentL;
            });
            tried += (long)particles * settings.MoveSteps;
            moved += accepted.Sum();
            ancestry.Add(parents);
            steps.Add(new SmcStep(stage, ess, parents is not null, evidence, parents is null ? particles : parents.Distinct().Count()));
            options.Progress?.Report(new Progress(stage, settings.Temperatures?.Count - 1 ?? stage + 1));
        }
        return new TemperedSmcResult(xs, population.LogWeights.ToArray(), population.LogEvidence, schedule, steps, ancestry,
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

    /// <summary>Random-walk MH steps per particle per stage.</summary>
    public int MoveSteps { get; init; } = 5;

    /// <summary>A fixed random-walk sd, or null to use 2.38/√d times the particles' sd per coordinate.</summary>
    public double? ProposalScale { get; init; }

    /// <summary>Resample when ESS &lt; threshold · N.</summary>
    public double EssThreshold { get; init; } = 0.5;

    /// <summary>The resampling scheme.</summary>
    public IResampler Resampler { get; init; } = Resamplers.Systematic;
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
