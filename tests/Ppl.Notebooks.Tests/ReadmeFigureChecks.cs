using System.Text.Json;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>
/// The checks of each README example's figures (its <c>--json</c> line): estimates against exact or reference values
/// within 5 standard errors (Monte Carlo standard errors above an ESS floor for MCMC, standard errors over independent
/// runs for SMC, the evaluation's standard error for VI), and exact answers to rounding.
/// </summary>
public sealed partial class ReadmeTests
{
    /// <summary>Tolerances are this many standard errors.</summary>
    private const double K = 5;

    /// <summary>
    /// The ESS below which an MCSE is not trusted (Vehtari et al. 2021: 100 per chain, 4 chains): a sampler whose
    /// ESS collapses fails instead of hiding its error in a large MCSE (as the inference tests' MomentCheck).
    /// </summary>
    private const double MinEss = 400;

    /// <summary>The figure check of each example the README runs, by example name.</summary>
    private static readonly Dictionary<string, Action<JsonElement>> FigureChecks = new(StringComparer.Ordinal)
    {
        ["quickstart"] = CheckQuickstart,
        ["nuts-eight-schools"] = CheckEightSchools,
        ["smc-lgssm"] = CheckSmcLgssm,
        ["smc-sprinkler"] = CheckSprinkler,
        ["vi-cone"] = CheckViCone,
        ["every-algorithm"] = CheckEveryAlgorithm,
    };

    /// <summary>
    /// Negative controls: degraded figures, written by hand, fail the checks (a check that passes everything would
    /// let a degraded example through).
    /// </summary>
    [Theory]
    // A weight's mean 10 MCSE off; a correct-looking mean whose ESS collapsed (its MCSE hides the error).
    [InlineData("quickstart", """{"max_rhat":1.001,"divergences":0,"moments":{"w[0]":{"mean":1.0,"exact_mean":0.9,"mcse_mean":0.01,"ess_mean":4000,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000},"w[1]":{"mean":1,"exact_mean":1,"mcse_mean":0.01,"ess_mean":4000,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000},"w[2]":{"mean":1,"exact_mean":1,"mcse_mean":0.01,"ess_mean":4000,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000}}}""")]
    [InlineData("quickstart", """{"max_rhat":1.001,"divergences":0,"moments":{"w[0]":{"mean":1.3,"exact_mean":0.9,"mcse_mean":0.1,"ess_mean":12,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000},"w[1]":{"mean":1,"exact_mean":1,"mcse_mean":0.01,"ess_mean":4000,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000},"w[2]":{"mean":1,"exact_mean":1,"mcse_mean":0.01,"ess_mean":4000,"variance":0.03,"exact_variance":0.03,"mcse_variance":0.001,"ess_variance":3000}}}""")]
    // Evidence biased low (Ẑ/Z = 0.5 ± 0.05), and log Ẑ biased beyond the lognormal CLT's −σ²/2.
    [InlineData("smc-lgssm", """{"runs":20,"exact_log_evidence":-29.0,"mean_log_evidence":-29.7,"sd_log_evidence":0.3,"mean_relative_evidence":0.5,"se_relative_evidence":0.05}""")]
    [InlineData("smc-lgssm", """{"runs":20,"exact_log_evidence":-29.0,"mean_log_evidence":-31.0,"sd_log_evidence":0.9,"mean_relative_evidence":0.9,"se_relative_evidence":0.2}""")]
    [InlineData("smc-sprinkler", """{"exact_p_rain":0.108635097,"exact_evidence":0.5026,"max_abs_difference":0.001}""")]
    // An "ELBO" above log p(z), and one that training did not move.
    [InlineData("vi-cone", """{"log_marginal":-5.323232,"elbo":-4.0,"elbo_se":0.1,"elbo_start":-800,"elbo_start_se":50,"iwelbo5":-12.5,"iwelbo5_se":0.35,"iwelbo5_start":-243,"iwelbo5_start_se":19,"hvi":-11.6,"hvi_se":0.36,"hvi_start":-318,"hvi_start_se":21,"iwhvi5":-11.4,"iwhvi5_se":0.49,"iwhvi5_start":-314,"iwhvi5_start_se":24,"diwhvi55":-10.0,"diwhvi55_se":0.47,"diwhvi55_start":-36,"diwhvi55_start_se":2.5}""")]
    [InlineData("vi-cone", """{"log_marginal":-5.323232,"elbo":-14.7,"elbo_se":0.86,"elbo_start":-15.0,"elbo_start_se":0.9,"iwelbo5":-12.5,"iwelbo5_se":0.35,"iwelbo5_start":-243,"iwelbo5_start_se":19,"hvi":-11.6,"hvi_se":0.36,"hvi_start":-318,"hvi_start_se":21,"iwhvi5":-11.4,"iwhvi5_se":0.49,"iwhvi5_start":-314,"iwhvi5_start_se":24,"diwhvi55":-10.0,"diwhvi55_se":0.47,"diwhvi55_start":-36,"diwhvi55_start_se":2.5}""")]
    // One algorithm 6 standard errors off; a wrong "exact" value (every z small against it, but not the model's answer).
    [InlineData("every-algorithm", """{"data":[0.3,1.6,0.9,1.8,0.7],"shift":1,"rows":[{"algorithm":"MH","quantity":"E[mu]","estimate":0.49,"exact":0.371171,"se":0.02,"z":5.9}]}""")]
    [InlineData("every-algorithm", """{"data":[0.3,1.6,0.9,1.8,0.7],"shift":1,"rows":[{"algorithm":"MH","quantity":"E[mu]","estimate":0.5,"exact":0.5,"se":0.02,"z":0}]}""")]
    public void Figure_checks_reject_degraded_figures(string example, string figures)
    {
        using var json = JsonDocument.Parse(figures);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FigureChecks[example](json.RootElement));
    }

    private static double D(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? v.GetDouble() : throw new Xunit.Sdk.XunitException($"the JSON line has no '{name}': {e}");

    /// <summary>
    /// A parameter's posterior mean and variance (the example's <c>moments</c> entry) within K MCSE of the exact values,
    /// each with an ESS of at least <see cref="MinEss"/>.
    /// </summary>
    private static void AssertMoments(string example, JsonElement moments)
    {
        var count = 0;
        foreach (var p in moments.EnumerateObject())
        {
            foreach (var stat in new[] { "mean", "variance" })
            {
                var (estimate, exact, mcse, ess) = (D(p.Value, stat), D(p.Value, "exact_" + stat), D(p.Value, "mcse_" + stat), D(p.Value, "ess_" + stat));
                var what = $"{example}: {p.Name} {stat} {estimate} vs exact {exact} (MCSE {mcse}, ESS {ess})";
                Assert.True(ess >= MinEss, $"{what}: ESS below {MinEss}, so the MCSE is not trusted");
                Assert.True(Math.Abs(estimate - exact) <= K * mcse, $"{what}: more than {K} MCSE apart");
            }
            count++;
        }
        Assert.True(count > 0, $"{example}: no moments in the JSON line");
    }

    /// <summary>NUTS on the conjugate regression: every weight's mean and variance against the exact posterior.</summary>
    private static void CheckQuickstart(JsonElement f)
    {
        AssertMoments("quickstart", f.GetProperty("moments"));
        Assert.Equal(3, f.GetProperty("moments").EnumerateObject().Count());
        // Vehtari et al. (2021): R-hat below 1.01 before the chains are used.
        Assert.True(D(f, "max_rhat") < 1.01, $"quickstart: R-hat {D(f, "max_rhat")}");
        // A Gaussian posterior has no region where the leapfrog integrator can diverge.
        Assert.Equal(0, f.GetProperty("divergences").GetInt32());
    }

    /// <summary>NUTS on the non-centred eight schools: μ, τ and θⱼ against the exact posterior by quadrature over τ.</summary>
    private static void CheckEightSchools(JsonElement f)
    {
        var moments = f.GetProperty("moments");
        AssertMoments("nuts-eight-schools", moments);
        Assert.Equal(10, moments.EnumerateObject().Count());
        // The reference itself against the published posterior of this model (posteriordb eight_schools_noncentered:
        // E μ ≈ 4.4, E τ ≈ 3.6, to the rounding of those one-decimal figures), so that a broken quadrature cannot agree
        // with a broken sampler.
        Assert.InRange(D(moments.GetProperty("mu"), "exact_mean"), 4.35, 4.45);
        Assert.InRange(D(moments.GetProperty("tau"), "exact_mean"), 3.55, 3.65);
        Assert.True(D(f, "max_rhat") < 1.01, $"nuts-eight-schools: R-hat {D(f, "max_rhat")}");
    }

    /// <summary>
    /// Bootstrap SMC's log-evidence over R independent runs against the exact Kalman value: Ẑ/Z has mean 1 (K SE over
    /// the runs), and by the lognormal CLT for particle filters (Bérard, Del Moral and Doucet 2014; T ∝ N)
    /// log Ẑ − log Z ≈ N(−σ²/2, σ²), so mean log Ẑ + s²/2 estimates log Z with SE √(s²/R + s⁴/(2(R − 1))).
    /// </summary>
    private static void CheckSmcLgssm(JsonElement f)
    {
        var runs = f.GetProperty("runs").GetInt32();
        Assert.True(runs >= 10, $"smc-lgssm: {runs} runs are too few for a standard error");
        var (ratio, ratioSe) = (D(f, "mean_relative_evidence"), D(f, "se_relative_evidence"));
        Assert.True(Math.Abs(ratio - 1) <= K * ratioSe, $"smc-lgssm: mean Ẑ/Z = {ratio} ± {ratioSe}");
        var (logZ, meanLog, s) = (D(f, "exact_log_evidence"), D(f, "mean_log_evidence"), D(f, "sd_log_evidence"));
        var se = Math.Sqrt(s * s / runs + Math.Pow(s, 4) / (2 * (runs - 1)));
        Assert.True(Math.Abs(meanLog + s * s / 2 - logZ) <= K * se,
            $"smc-lgssm: mean log Ẑ {meanLog} + s²/2 ({s * s / 2}) vs exact log Z {logZ} (SE {se})");
    }

    /// <summary>
    /// Sprinkler: the exact evidence and posterior by hand (rain ~ Bernoulli(0.3) with factor 0.2; sprinkler ~
    /// Bernoulli(0.1 | rain, 0.4 | no rain) with factor 0.1), and SMC's output distribution, enumerated, equal to them to rounding.
    /// </summary>
    private static void CheckSprinkler(JsonElement f)
    {
        var rain = 0.3 * 0.2 * (0.1 * 0.1 + 0.9);
        var z = rain + 0.7 * (0.4 * 0.1 + 0.6);
        // The JSON rounds to 9 decimals.
        Assert.Equal(z, D(f, "exact_evidence"), 1e-9);
        Assert.Equal(rain / z, D(f, "exact_p_rain"), 1e-9);
        Assert.True(D(f, "max_abs_difference") <= 1e-12, $"smc-sprinkler: enumerated SMC differs from the posterior by {D(f, "max_abs_difference")}");
    }

    /// <summary>
    /// One [Model] through every algorithm: each row's exact value is the model's (log Z and E[μ] by quadrature over μ
    /// and a sum over s, computed here from the data the example reports), and its estimate is within K standard errors.
    /// </summary>
    private static void CheckEveryAlgorithm(JsonElement f)
    {
        var data = f.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var shift = D(f, "shift");
        // p(y, μ) summed over s, on a grid over μ (the posterior lies well inside ±8 prior sds), trapezoid rule.
        double Joint(double mu) => 0.5 * Enumerable.Range(0, 2).Sum(s =>
            Math.Exp(-0.5 * mu * mu - 0.5 * data.Sum(y => (y - mu - s * shift) * (y - mu - s * shift))) / Math.Pow(2 * Math.PI, (data.Length + 1) / 2.0));
        double Shifted(double mu) => 0.5 * Math.Exp(-0.5 * mu * mu - 0.5 * data.Sum(y => (y - mu - shift) * (y - mu - shift))) / Math.Pow(2 * Math.PI, (data.Length + 1) / 2.0);
        double z = 0, first = 0, p1 = 0;
        const int steps = 20_000;
        for (var i = 0; i <= steps; i++)
        {
            var mu = -8 + 16.0 * i / steps;
            var w = (i == 0 || i == steps ? 0.5 : 1.0) * 16.0 / steps;
            z += w * Joint(mu);
            first += w * mu * Joint(mu);
            p1 += w * Shifted(mu);
        }
        var exact = new Dictionary<string, double> { ["log Z"] = Math.Log(z), ["E[mu]"] = first / z, ["P(s=1)"] = p1 / z };
        var rows = f.GetProperty("rows").EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var name = $"{row.GetProperty("algorithm").GetString()} {row.GetProperty("quantity").GetString()}";
            var quantity = row.GetProperty("quantity").GetString()!;
            Assert.True(exact.ContainsKey(quantity), $"every-algorithm: unknown quantity in '{name}'");
            Assert.Equal(exact[quantity], D(row, "exact"), 1e-5);
            var se = D(row, "se");
            Assert.True(se > 0 && double.IsFinite(se), $"every-algorithm: {name} has standard error {se}");
            // Against the row's closed-form value (checked against the quadrature above): an estimator whose proposal is the
            // exact posterior has a standard error far below the quadrature's own error.
            Assert.True(Math.Abs(D(row, "estimate") - D(row, "exact")) <= K * se,
                $"every-algorithm: {name} = {D(row, "estimate")} is more than {K} standard errors ({se}) from {D(row, "exact")}");
        }
    }

    /// <summary>
    /// The noisy cone: log p(z) by quadrature against the paper's −5.323 (to its rounding); every objective is a lower
    /// bound on log p(z) (within K SE of its evaluation) and training raised it by more than K SE from its start.
    /// </summary>
    private static void CheckViCone(JsonElement f)
    {
        var logMarginal = D(f, "log_marginal");
        Assert.Equal(-5.323, logMarginal, 5e-4);
        var objectives = new[] { "elbo", "iwelbo5", "hvi", "iwhvi5", "diwhvi55" };
        foreach (var key in objectives)
        {
            var (value, se, start, startSe) = (D(f, key), D(f, key + "_se"), D(f, key + "_start"), D(f, key + "_start_se"));
            Assert.True(se > 0 && startSe > 0, $"vi-cone {key}: standard errors {se}, {startSe}");
            Assert.True(value <= logMarginal + K * se, $"vi-cone {key}: {value} ± {se} is above log p(z) = {logMarginal}");
            Assert.True(value - start > K * Math.Sqrt(se * se + startSe * startSe),
                $"vi-cone {key}: training moved it from {start} ± {startSe} only to {value} ± {se}");
        }
    }
}
