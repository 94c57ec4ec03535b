using Ppl.Examples;
using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// Summing finite discrete choices out of a [Model]'s differentiable form (McmcSettings.SumOutDiscrete): the density
/// is log Σ_k p(x, k) by enumeration, NUTS runs on the model as written (the every-algorithm example's Switch: μ and a
/// Bernoulli s), and each draw reports E[s | μ]; all against exact answers (conjugacy given s, enumeration).
/// </summary>
public sealed class SumOutTests
{
    private static readonly double[] Ys = [1.9, 0.7, 2.4, 1.6, 2.2];

    private static ChoiceMap Observations()
    {
        var obs = ChoiceMap.Empty;
        for (var i = 0; i < Ys.Length; i++) obs = obs.Set(new Address("y", i), Ys[i]);
        return obs;
    }

    private static double LogNormal(double x, double mean, double sd) =>
        -0.5 * Math.Log(2 * Math.PI) - Math.Log(sd) - 0.5 * (x - mean) * (x - mean) / (sd * sd);

    [Fact]
    public void TheDensityIsTheLogSumOverTheDiscreteValuesWithItsExactGradient()
    {
        var density = (ModelDensity<int>)ModelDensity.Create(EveryAlgorithmModels.SwitchModel, Ys.Length, Observations(), sumOutDiscrete: true);
        Assert.Equal(["mu"], density.Addresses.Select(a => a.ToString()));
        Assert.Equal(["s"], density.DerivedAddresses.Select(a => a.ToString()));
        foreach (var mu in new[] { -1.3, 0.4, 1.7 })
        {
            // By hand: log(½ p(y | μ, s = 0) + ½ p(y | μ, s = 1)) + log N(μ; 0, 1).
            double Joint(double m, int s) => Math.Log(0.5) + LogNormal(m, 0, 1) + Ys.Sum(y => LogNormal(y, m + s * EveryAlgorithmModels.Shift, 1));
            double Exact(double m) { var a = Joint(m, 0); var b = Joint(m, 1); var top = Math.Max(a, b); return top + Math.Log(Math.Exp(a - top) + Math.Exp(b - top)); }
            var gradient = new double[1];
            Assert.Equal(Exact(mu), density.LogDensityAndGradient([mu], gradient), 10);
            Assert.Equal((Exact(mu + 1e-5) - Exact(mu - 1e-5)) / 2e-5, gradient[0], 6);
            // The reported E[s | μ] is the posterior weight of s = 1 at μ.
            var p1 = 1 / (1 + Math.Exp(Joint(mu, 0) - Joint(mu, 1)));
            Assert.Equal([mu, p1], density.Report([mu]), new ToleranceComparer(1e-10));
        }
    }

    [Fact]
    public void NutsOnTheModelAsWrittenMatchesTheExactPosteriorOfBothLatents()
    {
        var exact = EveryAlgorithmExact.For(Ys);
        var r = McmcSampler.Sample(EveryAlgorithmModels.SwitchModel, Ys.Length, Observations(), new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 300, Draws = 600, SumOutDiscrete = true }, new Rng(21));
        Assert.Equal(["mu", "s"], r.Names);
        MomentCheck.AssertMatches(r, 5, (x => x[0], exact.PosteriorMeanMu), (x => x[1], exact.ProbabilityShifted));
        Assert.InRange(exact.ProbabilityShifted, 0.6, 0.95); // the data favour s = 1, so the prior's ½ would fail
        // Negative control: s held at 0 (the model without summing) is a different posterior, which the same check rejects.
        var held = McmcSampler.Sample(EveryAlgorithmModels.SwitchModel, Ys.Length, Observations().Set(new Address("s"), false), new NutsKernel(),
            new McmcSettings { Chains = 4, Warmup = 300, Draws = 600 }, new Rng(21));
        Assert.True(MomentCheck.MaxZ(held, (x => x[0], exact.PosteriorMeanMu)) > 5);
        // Return values need every choice's value, which a summed-out choice does not have: refused with the reason.
        var e = Assert.Throws<NotSupportedException>(() => McmcSampler.Sample(EveryAlgorithmModels.SwitchModel, Ys.Length, Observations(), new NutsKernel(),
            new McmcSettings { Chains = 1, Warmup = 10, Draws = 10, SumOutDiscrete = true }, new Rng(1), returnNames: ["ret"]));
        Assert.Contains("SumOutDiscrete", e.Message);
    }

    [Fact]
    public void CategoricalAndBinomialChoicesAreEnumeratedTogether()
    {
        double[] weights = [0.2, 0.5, 0.3];
        const double y = 1.4;
        var density = ModelDensity.Create(SumOutModels.MixtureModel, (y, weights), ChoiceMap.Empty, sumOutDiscrete: true);
        Assert.Equal(["z", "k"], density.DerivedAddresses.Select(a => a.ToString()));
        const double mu = 0.3;
        double[] binomial = [0.25, 0.5, 0.25];
        var terms = new List<(double LogP, int Z, int K)>();
        for (var z = 0; z < 3; z++)
            for (var k = 0; k < 3; k++)
                terms.Add((LogNormal(mu, 0, 2) + Math.Log(weights[z]) + Math.Log(binomial[k]) + LogNormal(y, mu + z + 0.5 * k, 1), z, k));
        var top = terms.Max(t => t.LogP);
        var total = top + Math.Log(terms.Sum(t => Math.Exp(t.LogP - top)));
        Assert.Equal(total, density.LogDensity([mu]), 10);
        var meanZ = terms.Sum(t => Math.Exp(t.LogP - total) * t.Z);
        var meanK = terms.Sum(t => Math.Exp(t.LogP - total) * t.K);
        Assert.Equal([mu, meanZ, meanK], density.Report([mu]), new ToleranceComparer(1e-10));
    }

    [Fact]
    public void AnInfiniteSupportIsRefusedByName()
    {
        var e = Assert.Throws<Ppl.Modeling.DifferentiableLayoutException>(() =>
            ModelDensity.Create(SumOutModels.CountsModel, 1.0, ChoiceMap.Empty, sumOutDiscrete: true));
        Assert.Contains("'n'", e.Message);
        Assert.Contains("infinite support", e.Message);
        // Without summing out, the discrete choice must be given, as before.
        Assert.Throws<Ppl.Modeling.DifferentiableLayoutException>(() => ModelDensity.Create(SumOutModels.CountsModel, 1.0, ChoiceMap.Empty));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
