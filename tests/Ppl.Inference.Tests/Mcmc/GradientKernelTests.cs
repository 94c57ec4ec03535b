using Ppl.Inference.Mcmc;
using Xunit;

namespace Ppl.Inference.Tests.Mcmc;

public class GradientKernelTests
{
    public static TheoryData<string> Kernels => new() { "hmc", "mala", "nuts", "nuts-dense" };

    private static IGradientKernel Make(string name) => name switch
    {
        "hmc" => new HmcKernel(8),
        "mala" => new MalaKernel { TargetAccept = 0.6 },
        "nuts" => new NutsKernel(),
        "nuts-dense" => new NutsKernel { MetricKind = MetricKind.Dense },
        _ => throw new ArgumentException(name),
    };

    private static McmcResult Run(IDifferentiableDensity d, IGradientKernel k, int draws, ulong seed) =>
        McmcSampler.Sample(d, k, new McmcSettings { Chains = 4, Warmup = 500, Draws = draws }, new Rng(seed));

    [Theory]
    [MemberData(nameof(Kernels))]
    public void ConjugateNormalPosteriorMoments(string kernel)
    {
        var (m, v) = ConjugateNormal.Posterior;
        var r = Run(TestDensities.Conjugate, Make(kernel), 1000, 11);
        MomentCheck.AssertMatches(r, 5, (x => x[0], m), (x => (x[0] - m) * (x[0] - m), v));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void CorrelatedGaussianMoments(string kernel)
    {
        var mu = TestDensities.CorrMean;
        var sd = TestDensities.CorrSd;
        // MALA mixes slowly on this correlation (ESS ≈ 420 from 4 × 4000 draws, just above MomentCheck's floor of 400): 6000.
        var r = Run(TestDensities.Correlated, Make(kernel), kernel == "mala" ? 6000 : 1000, 12);
        MomentCheck.AssertMatches(r, 5,
            (x => x[0], mu[0]), (x => x[1], mu[1]),
            (x => (x[0] - mu[0]) * (x[0] - mu[0]), sd[0] * sd[0]),
            (x => (x[1] - mu[1]) * (x[1] - mu[1]), sd[1] * sd[1]),
            (x => (x[0] - mu[0]) * (x[1] - mu[1]), TestDensities.Rho * sd[0] * sd[1]));
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void FunnelMarginals(string kernel)
    {
        var r = Run(TestDensities.Funnel, Make(kernel), kernel == "mala" ? 4000 : 1000, 13);
        MomentCheck.AssertMatches(r, 5, (x => x[0], 0), (x => x[0] * x[0], 1), (x => x[1] * x[1], Math.Exp(0.5)));
    }

    /// <summary>Negative control: leapfrog without the Metropolis correction (acceptance ratio taken as 1) at a large step is biased, and the same check catches it.</summary>
    [Fact]
    public void UncorrectedHamiltonianDynamicsFailTheSameCheck()
    {
        var broken = new AlwaysAcceptHmc { InitialStepSize = 0.7 };
        var r = McmcSampler.Sample(TestDensities.Correlated, broken, new McmcSettings { Chains = 4, Warmup = 0, Draws = 4000, Init = InitStrategy.Values(1, -2) },
            new Rng(12), names: ["a", "b"]);
        var mu = TestDensities.CorrMean;
        var sd = TestDensities.CorrSd;
        var z = MomentCheck.MaxZ(r, MomentCheck.M(x => (x[0] - mu[0]) * (x[0] - mu[0]), sd[0] * sd[0]), MomentCheck.M(x => (x[1] - mu[1]) * (x[1] - mu[1]), sd[1] * sd[1]));
        Assert.True(z > 5, $"max |z| = {z}");
    }

    [Fact]
    public void NutsReportsTreeDepthAndStepSizeAndStaysBelowMaxDepth()
    {
        var r = McmcSampler.Sample(TestDensities.Correlated, new NutsKernel { MaxTreeDepth = 3, MetricKind = MetricKind.Unit },
            new McmcSettings { Chains = 1, Warmup = 200, Draws = 200 }, new Rng(1));
        Assert.All(r.Stats[0], s => Assert.InRange(s.TreeDepth, 1, 3));
        Assert.All(r.Stats[0], s => Assert.True(s.LeapfrogSteps <= 7 && s.StepSize > 0));
    }

    [Fact]
    public void SameSeedGivesSameDrawsWhateverTheThreadCount()
    {
        var s = new McmcSettings { Chains = 3, Warmup = 50, Draws = 50 };
        var a = McmcSampler.Sample(TestDensities.Funnel, new NutsKernel(), s, new Rng(5), new RunOptions { MaxDegreeOfParallelism = 1 });
        var b = McmcSampler.Sample(TestDensities.Funnel, new NutsKernel(), s, new Rng(5), new RunOptions { MaxDegreeOfParallelism = 3 });
        Assert.Equal(a.Draws.SelectMany(c => c.SelectMany(d => d)), b.Draws.SelectMany(c => c.SelectMany(d => d)));
        var c = McmcSampler.Sample(TestDensities.Funnel, new NutsKernel(), s, new Rng(6));
        Assert.NotEqual(a.Draws[0][0], c.Draws[0][0]);
    }

    [Fact]
    public void CancellationStopsTheRun_AndProgressIsReported()
    {
        using var cts = new CancellationTokenSource();
        var reports = 0;
        var progress = new SyncProgress<Progress>(p =>
        {
            reports++;
            if (p.Fraction > 0.2) cts.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => McmcSampler.Sample(TestDensities.Conjugate, new NutsKernel(),
            new McmcSettings { Chains = 1, Warmup = 100000, Draws = 10 }, new Rng(1), new RunOptions { Progress = progress, Cancellation = cts.Token }));
        Assert.True(reports > 0);
    }

    [Fact]
    public void AWarmupWithDivergencesIsCountedOnAHardFunnel()
    {
        // Neal's funnel with scale 3, centred: divergences are expected and must be reported.
        var d = new AutodiffDensity(2, x => Ppl.Autodiff.RealDensity.Normal(x[0], 0, 3) + Ppl.Autodiff.RealDensity.Normal(x[1], 0, Ppl.Autodiff.RealMath.Exp(0.5 * x[0])));
        var r = McmcSampler.Sample(d, new NutsKernel(), new McmcSettings { Chains = 2, Warmup = 300, Draws = 500 }, new Rng(3));
        Assert.True(r.Divergences > 0);
    }

    /// <summary>HMC that always accepts: the wrong acceptance ratio.</summary>
    private sealed class AlwaysAcceptHmc : GradientKernel
    {
        protected override (double[] Position, double LogDensity, double[] Gradient, TransitionStats Stats) Transition(
            IDifferentiableDensity density, GradientState state, Rng rng)
        {
            var n = state.Position.Length;
            var q = (double[])state.Position.Clone();
            var g = (double[])state.Gradient.Clone();
            var p = new double[n];
            state.Metric.SampleMomentum(rng, p);
            double logp = 0;
            for (var k = 0; k < 3; k++)
            {
                for (var i = 0; i < n; i++) p[i] += 0.5 * state.StepSize * g[i];
                for (var i = 0; i < n; i++) q[i] += state.StepSize * p[i];
                logp = density.LogDensityAndGradient(q, g);
                for (var i = 0; i < n; i++) p[i] += 0.5 * state.StepSize * g[i];
            }
            return (q, logp, g, new TransitionStats(1, state.StepSize, 0, 3, false, double.NaN, true));
        }
    }
}
