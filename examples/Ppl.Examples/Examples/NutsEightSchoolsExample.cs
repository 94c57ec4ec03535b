using Ppl.Autodiff;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using Ppl.Plotting;
using Spectre.Console;
using static Ppl.Autodiff.RealMath;

namespace Ppl.Examples;

/// <summary>
/// Non-centred eight schools (Rubin 1981; Gelman et al., BDA3 §5.5) sampled by NUTS with Stan's warm-up:
/// μ ~ N(0, 5), τ ~ HalfCauchy(5), θ̃ⱼ ~ N(0, 1), θⱼ = μ + τ θ̃ⱼ, yⱼ ~ N(θⱼ, σⱼ). The log density is
/// written over <see cref="Real"/>, so its gradient is exact reverse mode.
/// </summary>
internal sealed class NutsEightSchoolsExample : IExample
{
    private static readonly double[] Y = [28, 8, -3, 7, -1, 1, 18, 12];
    private static readonly double[] Sigma = [15, 10, 16, 11, 9, 11, 10, 18];

    public string Name => "nuts-eight-schools";

    public string Description => "Non-centred eight schools: NUTS, 4 chains, 1000 warm-up + 1000 draws, summary table";

    /// <summary>The log density on unconstrained space: (μ, log τ, θ̃₀ … θ̃₇).</summary>
    public static Real LogDensity(ReadOnlySpan<Real> x)
    {
        var mu = x[0];
        var logTau = x[1];
        var tau = Exp(logTau);
        // log |dτ/d log τ| = log τ.
        var lp = RealDensity.Normal(mu, 0, 5) + RealDensity.HalfCauchy(tau, 5) + logTau;
        for (var j = 0; j < 8; j++)
        {
            var tt = x[2 + j];
            lp += RealDensity.Normal(tt, 0, 1) + RealDensity.Normal(Y[j], mu + tau * tt, Sigma[j]);
        }
        return lp;
    }

    /// <summary>The reported quantities: μ, τ, θ₀ … θ₇.</summary>
    public static double[] Constrain(double[] u)
    {
        var tau = Math.Exp(u[1]);
        var r = new double[10];
        r[0] = u[0];
        r[1] = tau;
        for (var j = 0; j < 8; j++) r[2 + j] = u[0] + tau * u[2 + j];
        return r;
    }

    public static readonly string[] Names = ["mu", "tau", .. Enumerable.Range(0, 8).Select(j => $"theta[{j}]")];

    public IReadOnlyDictionary<string, object> Run(ExampleContext context)
    {
        var density = new AutodiffDensity(10, LogDensity);
        var settings = new McmcSettings { Chains = 4, Warmup = context.Int("warmup", 1000), Draws = context.Int("draws", 1000) };
        var rng = new Rng(context.Seed);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        var result = context.WithProgress("NUTS, 4 chains", progress =>
            McmcSampler.Sample(density, new NutsKernel(), settings, rng, new RunOptions { Progress = progress }, Names, Constrain));
        stopwatch.Stop();
        var summary = result.Summarize();
        // Plain Console: Spectre would wrap the wide table at the terminal width.
        System.Console.Out.Write(summary.ToString());
        context.Console.MarkupLine($"divergences: {result.Divergences}, mean accept_stat: {result.MeanAcceptStat:F3}, " +
                                   $"warm-up {result.WarmupTime.TotalSeconds:F2} s, sampling {result.SamplingTime.TotalSeconds:F2} s");
        context.WritePlot("posterior histograms", path => result.PlotPosterior(path));
        return new Dictionary<string, object>
        {
            ["max_rhat"] = Math.Round(summary.MaxRhat, 4),
            ["min_ess_bulk"] = Math.Round(summary.MinEssBulk, 1),
            ["min_ess_tail"] = Math.Round(summary.MinEssTail, 1),
            ["divergences"] = result.Divergences,
            ["seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            ["means"] = summary.Rows.ToDictionary(r => r.Name, r => Math.Round(r.Mean, 4)),
            ["sds"] = summary.Rows.ToDictionary(r => r.Name, r => Math.Round(r.Sd, 4)),
        };
    }
}
