using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Mcmc;

public class GenerativeFunctionDensityTests
{
    /// <summary>s ~ Gamma(3, 2), m ~ N(0, 1): the unconstrained density needs the log-Jacobian of exp for s.</summary>
    private static readonly DynamicModel<int, double> Model = DynamicModel.Create<int, double>("gamma-normal", (t, _) =>
    {
        var s = t.Sample("s", new Gamma(3, 2));
        return s + t.Sample("m", new Normal(0, 1));
    });

    [Fact]
    public void NutsOnAModelsConstrainedChoicesRecoversTheirMoments_AndDroppingTheJacobianFails()
    {
        var density = new GenerativeFunctionDensity<int, double>(Model, 0, ChoiceMap.Empty, new Rng(1));
        Assert.Equal(["s", "m"], density.Addresses.Select(a => a.ToString()));
        var r = McmcSampler.Sample(density, new NutsKernel(), new McmcSettings { Chains = 4, Warmup = 300, Draws = 500 }, new Rng(2),
            names: ["s", "m"], transform: u => density.Constrain(u));
        // Gamma(3, rate 2): mean 1.5, variance 0.75.
        MomentCheck.AssertMatches(r, 5, MomentCheck.M(x => x[0], 1.5), MomentCheck.M(x => (x[0] - 1.5) * (x[0] - 1.5), 0.75), MomentCheck.M(x => x[1], 0));

        // Negative control: without the Jacobian the chain targets the density of s on the log scale, which has mean (3 − 1)/2 = 1.
        var noJacobian = new AutodiffDensity(2, x => Ppl.Autodiff.RealDensity.Gamma(Ppl.Autodiff.RealMath.Exp(x[0]), 3, 2) + Ppl.Autodiff.RealDensity.Normal(x[1], 0, 1));
        var bad = McmcSampler.Sample(noJacobian, new NutsKernel(), new McmcSettings { Chains = 4, Warmup = 300, Draws = 500 }, new Rng(2),
            transform: u => [Math.Exp(u[0]), u[1]]);
        Assert.True(Math.Abs(MomentCheck.Z(bad, x => x[0], 1.5)) > 5);
    }

    [Fact]
    public void NumericalGradientMatchesTheAnalyticOne()
    {
        var density = new GenerativeFunctionDensity<int, double>(Model, 0, ChoiceMap.Empty, new Rng(1));
        var g = new double[2];
        var u = new[] { 0.3, -0.4 };
        density.LogDensityAndGradient(u, g);
        // d/du [Gamma(e^u; 3, 2) + u] = 3 − 2 e^u; d/dm N(m; 0, 1) = −m.
        Assert.Equal(3 - 2 * Math.Exp(0.3), g[0], 7);
        Assert.Equal(0.4, g[1], 7);
    }
}
