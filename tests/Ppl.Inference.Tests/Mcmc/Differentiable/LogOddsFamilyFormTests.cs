using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Ppl.Tests.Shared;
using Xunit;
using M = Ppl.Inference.Tests.Mcmc.Differentiable.LogOddsFamilyModels;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// The log-odds and log-rate families in [Model] loops: their differentiable forms against Assess plus finite differences,
/// the loop form of a logistic regression against the fused GLM family's (independent code), and NUTS against posteriors
/// computed by quadrature.
/// </summary>
public class LogOddsFamilyFormTests
{
    private static double[][] Design(int n, int d, ulong seed)
    {
        var rng = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => Enumerable.Range(0, d).Select(_ => rng.NextGaussian()).ToArray()).ToArray();
    }

    [Fact]
    public void Loops_over_rows_match_assess_and_finite_differences()
    {
        Assert.Null(M.LogisticLoopModel.DifferentiableFormMissingReason);
        Assert.Null(M.CountsLoopModel.DifferentiableFormMissingReason);
        var xs = Design(9, 3, 1);
        var rng = new Rng(2);
        var ys = xs.Select(_ => rng.NextDouble() < 0.4).ToArray();
        DifferentiableFormCheck.AgainstAssess(M.LogisticLoopModel, (xs, ys), 3, 12);
        var x = Enumerable.Range(0, 8).Select(i => 0.3 * i - 1).ToArray();
        var counts = x.Select(v => (int)(rng.NextDouble() * 6)).ToArray();
        var trials = x.Select(_ => 1 + (int)(rng.NextDouble() * 9)).ToArray();
        var successes = trials.Select(t => (int)(rng.NextDouble() * (t + 1))).ToArray();
        DifferentiableFormCheck.AgainstAssess(M.CountsLoopModel, (x, counts, trials, successes), 4, 12);
    }

    [Fact]
    public void A_logistic_loop_has_the_fused_glm_familys_density_and_gradient()
    {
        var xs = Design(30, 4, 5);
        var rng = new Rng(6);
        var ys = xs.Select(_ => rng.NextDouble() < 0.5).ToArray();
        var loop = ModelDensity.Create(M.LogisticLoopModel, (xs, ys), ChoiceMap.Empty);
        var glm = ModelDensity.Create(M.LogisticGlmModel, (xs, ys), ChoiceMap.Empty);
        Assert.Equal(glm.Addresses, loop.Addresses);
        var g1 = new double[5];
        var g2 = new double[5];
        for (var trial = 0; trial < 10; trial++)
        {
            var u = Enumerable.Range(0, 5).Select(_ => 3 * (rng.NextDouble() - 0.5)).ToArray();
            var a = loop.LogDensityAndGradient(u, g1);
            var b = glm.LogDensityAndGradient(u, g2);
            Assert.Equal(b, a, 9);
            for (var k = 0; k < 5; k++) Assert.Equal(g2[k], g1[k], 9);
        }
    }

    /// <summary>Mean and variance of a one-dimensional posterior by the trapezoidal rule on a fine grid.</summary>
    private static (double Mean, double Variance) Quadrature(Func<double, double> logDensity, double lo, double hi)
    {
        const int steps = 40000;
        var h = (hi - lo) / steps;
        var xs = Enumerable.Range(0, steps + 1).Select(i => lo + i * h).ToArray();
        var lp = xs.Select(logDensity).ToArray();
        var max = lp.Max();
        var w = lp.Select(v => Math.Exp(v - max)).ToArray();
        double z = 0, m1 = 0, m2 = 0;
        for (var i = 0; i <= steps; i++)
        {
            var c = i == 0 || i == steps ? 0.5 : 1;
            z += c * w[i];
            m1 += c * w[i] * xs[i];
            m2 += c * w[i] * xs[i] * xs[i];
        }
        var mean = m1 / z;
        return (mean, m2 / z - mean * mean);
    }

    private static (Func<double[], double>, double)[] Moments((double Mean, double Variance) p) =>
    [
        (w => w[0], p.Mean),
        (w => (w[0] - p.Mean) * (w[0] - p.Mean), p.Variance),
    ];

    [Fact]
    public void Nuts_on_log_odds_and_log_rate_models_matches_quadrature()
    {
        var rng = new Rng(11);
        var ys = Enumerable.Range(0, 25).Select(_ => rng.NextDouble() < 0.3).ToArray();
        var ones = ys.Count(y => y);
        // The log posterior written from the definitions: N(a; 0, 1.5) · σ(a)^ones (1 − σ(a))^(n − ones), a likelihood weight
        // of 1 for the true posterior and ½ for the negative control.
        double Logistic(double a, double weight) =>
            -0.5 * a * a / 2.25 + weight * (ones * Math.Log(1 / (1 + Math.Exp(-a))) + (ys.Length - ones) * Math.Log(1 / (1 + Math.Exp(a))));
        var settings = new McmcSettings { Chains = 4, Warmup = 300, Draws = 1000 };
        var r = McmcSampler.Sample(M.LogitInterceptModel, ys, ChoiceMap.Empty, new NutsKernel(), settings, new Rng(12));
        MomentCheck.AssertMatches(r, 5, Moments(Quadrature(a => Logistic(a, 1), -12, 12)));
        Assert.True(MomentCheck.MaxZ(r, Moments(Quadrature(a => Logistic(a, 0.5), -12, 12))) > 5);

        var counts = Enumerable.Range(0, 15).Select(_ => MathNet.Numerics.Distributions.Poisson.Sample(rng, 2.2)).ToArray();
        var total = counts.Sum();
        // N(l; 0, 1) · Πᵢ e^(l kᵢ − e^l) / kᵢ!, up to a constant.
        double Poisson(double l, double weight) => -0.5 * l * l + weight * (total * l - counts.Length * Math.Exp(l));
        var p = McmcSampler.Sample(M.LogRateModel, counts, ChoiceMap.Empty, new NutsKernel(), settings, new Rng(13));
        MomentCheck.AssertMatches(p, 5, Moments(Quadrature(l => Poisson(l, 1), -8, 8)));
        Assert.True(MomentCheck.MaxZ(p, Moments(Quadrature(l => Poisson(l, 0.5), -8, 8))) > 5);
    }
}
