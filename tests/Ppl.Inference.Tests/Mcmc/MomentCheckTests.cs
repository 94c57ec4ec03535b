using Ppl.Inference.Diagnostics;
using Ppl.Inference.Mcmc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// The check itself: a correct sampler that mixes badly must fail <see cref="MomentCheck"/>. Dividing by the
/// chains' own MCSE alone lets it pass (its MCSE is as large as its error); the ESS floor does not.
/// </summary>
public class MomentCheckTests(ITestOutputHelper output)
{
    /// <summary>
    /// Random-walk Metropolis with a fixed step: a valid MCMC kernel (it leaves the target invariant), which with a
    /// tiny step mixes so slowly that a few thousand draws carry an ESS of a few dozen.
    /// </summary>
    private sealed class RandomWalkMetropolis(double step) : GradientKernel
    {
        protected override (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
            IDifferentiableDensity density, GradientState state, Rng rng)
        {
            var q = state.Position.Select(x => x + step * rng.NextGaussian()).ToArray();
            var g = new double[q.Length];
            var lp = density.LogDensityAndGradient(q, g);
            var logRatio = lp - state.LogDensity;
            var accept = Math.Log(rng.NextDouble()) < logRatio;
            var stats = new TransitionStats(Math.Min(1, Math.Exp(logRatio)), step, 0, 0, false, double.NaN, accept);
            return accept ? (q, lp, g, stats) : (state.Position, state.LogDensity, state.Gradient, stats);
        }
    }

    private static McmcResult Run(double step, int draws) =>
        McmcSampler.Sample(TestDensities.Conjugate, new RandomWalkMetropolis(step), new McmcSettings { Chains = 4, Warmup = 0, Draws = draws }, new Rng(5));

    private static (Func<double[], double>, double)[] Moments
    {
        get
        {
            var (m, v) = ConjugateNormal.Posterior;
            return [MomentCheck.M(x => x[0], m), MomentCheck.M(x => (x[0] - m) * (x[0] - m), v)];
        }
    }

    /// <summary>The check as it was: (estimate − exact)/MCSE with the chains' own MCSE and no floor.</summary>
    private static double UnflooredMaxZ(McmcResult r) => Moments.Max(m =>
    {
        var values = r.Draws.Select(c => c.Select(m.Item1).ToArray()).ToArray();
        return Math.Abs((values.SelectMany(c => c).Average() - m.Item2) / ConvergenceDiagnostics.McseMean(values));
    });

    [Fact]
    public void A_well_mixing_random_walk_passes()
    {
        // Step ≈ 2.4 posterior sds, the optimal scale in one dimension: the same kernel, mixing well.
        var r = Run(1.2, 4000);
        output.WriteLine(MomentCheck.Describe(r, Moments));
        MomentCheck.AssertMatches(r, 5, Moments);
    }

    [Fact]
    public void A_badly_mixing_random_walk_fails_where_the_unfloored_check_passed()
    {
        // Step 0.01 posterior sds: valid, but the chains barely leave their starting points.
        var r = Run(0.005, 4000);
        output.WriteLine(MomentCheck.Describe(r, Moments));
        var unfloored = UnflooredMaxZ(r);
        output.WriteLine($"unfloored max |z| = {unfloored:F2}");
        // The old check: the huge MCSE of the stuck chains absorbs their huge error, and it passes.
        Assert.True(unfloored < 5, $"unfloored max |z| = {unfloored}: this control no longer shows what the floor adds");
        Assert.True(MomentCheck.MaxZ(r, Moments) > 5, MomentCheck.Describe(r, Moments));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => MomentCheck.AssertMatches(r, 5, Moments));
    }

    [Fact]
    public void A_chain_that_never_moves_fails()
    {
        // Every proposal rejected (a step so large that nothing is accepted from the start): constant draws,
        // ESS NaN, the MCSE undefined. The check fails rather than dividing by nothing.
        var r = Run(1e6, 500);
        Assert.All(r.Draws, c => Assert.All(c, d => Assert.Equal(c[0][0], d[0])));
        Assert.Equal(double.PositiveInfinity, MomentCheck.MaxZ(r, Moments));
    }
}
