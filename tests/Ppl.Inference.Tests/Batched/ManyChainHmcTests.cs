using Ppl.Inference.Batched;
using Ppl.Inference.Tests.Mcmc;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Batched;

/// <summary>
/// Many-chain HMC against exact Gaussian answers, within 5 MCSE (Monte Carlo standard errors from the
/// bulk ESS over all chains); the negative control accepts on the potential energy alone and fails.
/// </summary>
public class ManyChainHmcTests(ITestOutputHelper output)
{
    // A correlated Gaussian: standard deviations 1 and 3, correlation 0.8, mean (1, −2).
    private static readonly double[] Mu = [1, -2];
    private static readonly double[] Sd = [1, 3];
    private const double Rho = 0.8;

    private static Func<Tensor, Tensor> CorrelatedGaussian()
    {
        var cov = new double[,] { { Sd[0] * Sd[0], Rho * Sd[0] * Sd[1] }, { Rho * Sd[0] * Sd[1], Sd[1] * Sd[1] } };
        var precision = linalg.inv(tensor(cov, ScalarType.Float64));
        var mu = tensor(Mu, ScalarType.Float64);
        return x =>
        {
            var z = x - mu.to(x.dtype, x.device);
            return (z.matmul(precision.to(x.dtype, x.device)) * z).sum(dim: 1).Times(-0.5);
        };
    }

    private (bool MeanOk, bool VarOk) Check(ManyChainHmcResult r)
    {
        var meanOk = true;
        var varOk = true;
        for (var d = 0; d < 2; d++)
        {
            var chains = r.Parameter(d);
            var sq = chains.Select(c => c.Select(x => (x - Mu[d]) * (x - Mu[d])).ToArray()).ToArray();
            // Through MomentCheck: the MCSE counts only above its ESS floor, so chains that do not mix cannot pass.
            var mean = MomentCheck.Of(chains, Mu[d]);
            var variance = MomentCheck.Of(sq, Sd[d] * Sd[d]);
            output.WriteLine($"dim {d}: mean {mean}; variance {variance}");
            meanOk &= Math.Abs(mean.Z) < 5;
            varOk &= Math.Abs(variance.Z) < 5;
        }
        output.WriteLine($"step {r.StepSizes.Average():F3}, trajectory {r.TrajectoryLength:F2}, accept {r.AcceptRate:F2}, leapfrogs/chain {r.LeapfrogSteps}, ESS {string.Join(", ", r.EssBulk().Select(e => e.ToString("F0")))}");
        return (meanOk, varOk);
    }

    [Theory]
    [InlineData(ManyChainAdaptation.ChEES)]
    [InlineData(ManyChainAdaptation.PerChainStepSize)]
    [InlineData(ManyChainAdaptation.SharedStepSize)]
    public void CorrelatedGaussianWithin5Mcse(ManyChainAdaptation adaptation)
    {
        BatchedTestModels.Init();
        using var scope = NewDisposeScope();
        var rng = new Rng(3);
        var init = rand(new long[] { 128, 2 }, ScalarType.Float64).Times(4).Minus(2);
        var r = ManyChainHmc.Sample(CorrelatedGaussian(), init, new ManyChainHmcSettings { Warmup = 100, Draws = 50, Adaptation = adaptation, LeapfrogSteps = 5 }, rng);
        var (meanOk, varOk) = Check(r);
        Assert.True(meanOk && varOk);
        Assert.Equal(0, r.Divergences);
        Assert.InRange(r.AcceptRate, 0.4, 0.99);
        if (adaptation == ManyChainAdaptation.PerChainStepSize) Assert.True(r.StepSizes.Distinct().Count() > 1);
    }

    [Fact]
    public void AcceptingOnThePotentialAloneFails()
    {
        BatchedTestModels.Init();
        using var scope = NewDisposeScope();
        var init = rand(new long[] { 128, 2 }, ScalarType.Float64).Times(4).Minus(2);
        var r = ManyChainHmc.Sample(CorrelatedGaussian(), init,
            new ManyChainHmcSettings { Warmup = 100, Draws = 50, Adaptation = ManyChainAdaptation.SharedStepSize, LeapfrogSteps = 5, IgnoreKineticEnergy = true }, new Rng(3));
        var (meanOk, varOk) = Check(r);
        Assert.False(meanOk && varOk, "the negative control passed");
    }

    [Fact]
    public void ConjugateNormalThroughABatchedModel_Float32()
    {
        BatchedTestModels.Init();
        using var scope = NewDisposeScope();
        var density = BatchedDensity.FromModel(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(dtype: ScalarType.Float32), ("mu", Array.Empty<long>()));
        var init = zeros(new long[] { 256, 1 }, ScalarType.Float32);
        var r = ManyChainHmc.Sample(density, init, new ManyChainHmcSettings { Warmup = 80, Draws = 30, Adaptation = ManyChainAdaptation.PerChainStepSize, LeapfrogSteps = 4 }, new Rng(4));
        var (mean, variance) = ConjugateNormal.Posterior;
        var chains = r.Parameter(0);
        var sq = chains.Select(c => c.Select(x => (x - mean) * (x - mean)).ToArray()).ToArray();
        var (first, second) = (MomentCheck.Of(chains, mean), MomentCheck.Of(sq, variance));
        output.WriteLine($"mean {first}; variance {second}; trajectory {r.TrajectoryLength:F2}; step {r.StepSizes[0]:F3}");
        Assert.True(Math.Abs(first.Z) < 5, $"mean {first}");
        Assert.True(Math.Abs(second.Z) < 5, $"variance {second}");
    }
}
