using Ppl.Inference.Batched;
using Xunit;
using Xunit.Abstractions;
using static TorchSharp.torch;
using TNormal = Ppl.Distributions.Tensors.Normal;

namespace Ppl.Inference.Tests.Batched;

/// <summary>
/// The batched reparameterised ELBO gradient on the normal-normal model against its closed form: with
/// q = N(m, σ²) and s = log σ, ELBO = −(m² + σ²)/2 − Σᵢ((yᵢ − m)² + σ²)/2 + s + const, so
/// ∂/∂m = −m + Σᵢ(yᵢ − m) and ∂/∂s = 1 − (1 + n)σ². The control draws without reparameterisation.
/// </summary>
public class BatchedVariationalTests(ITestOutputHelper output)
{
    private static readonly BatchedModel<(Tensor M, Tensor S), Tensor> Guide =
        BatchedModel.Create<(Tensor M, Tensor S), Tensor>("q", (t, p) => t.Sample("mu", new TNormal(p.M, p.S.exp())));

    private (double[] Mean, double[] Se) GradientEstimates(double m, double s, bool reparameterized)
    {
        BatchedTestModels.Init();
        var rng = new Rng(17);
        const int batches = 30, particles = 500;
        var gm = new double[batches];
        var gs = new double[batches];
        for (var b = 0; b < batches; b++)
        {
            using var scope = NewDisposeScope();
            var pm = tensor(m, ScalarType.Float64).requires_grad_(true);
            var ps = tensor(s, ScalarType.Float64).requires_grad_(true);
            var elbo = BatchedVariational.Elbo(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(), Guide, (pm, ps), particles, rng,
                reparameterized: reparameterized);
            Assert.Equal(new long[] { particles }, elbo.PerParticle.shape);
            var g = autograd.grad(new[] { elbo.Value }, new[] { pm, ps });
            gm[b] = g[0].item<double>();
            gs[b] = g[1].item<double>();
        }
        var (mm, mse) = Smc.SmcModels.MeanAndSe(gm);
        var (sm, sse) = Smc.SmcModels.MeanAndSe(gs);
        return ([mm, sm], [mse, sse]);
    }

    [Fact]
    public void ReparameterisedGradientMatchesTheClosedForm_AndTheScoreOnlyControlFails()
    {
        const double m = 0.2, s = -0.2231435513142097; // σ = 0.8
        var n = ConjugateNormal.Data.Length;
        var sigma2 = Math.Exp(2 * s);
        double[] exact = [-m + ConjugateNormal.Data.Sum(y => y - m), 1 - (1 + n) * sigma2];
        var (mean, se) = GradientEstimates(m, s, reparameterized: true);
        output.WriteLine($"∂m {mean[0]:F4} ± {se[0]:F4} (exact {exact[0]:F4}); ∂s {mean[1]:F4} ± {se[1]:F4} (exact {exact[1]:F4})");
        for (var i = 0; i < 2; i++) Assert.True(Math.Abs(mean[i] - exact[i]) < 5 * se[i], $"component {i}: {mean[i]} ± {se[i]} vs {exact[i]}");
        var (wrong, wrongSe) = GradientEstimates(m, s, reparameterized: false);
        output.WriteLine($"control: ∂m {wrong[0]:F4} ± {wrongSe[0]:F4}");
        Assert.True(Math.Abs(wrong[0] - exact[0]) > 5 * wrongSe[0], "the negative control passed");
    }

    [Fact]
    public void ExpIwaeIsAnUnbiasedEvidenceEstimate_AndExpElboIsNot()
    {
        BatchedTestModels.Init();
        var (pm, ps) = (tensor(0.5), tensor(-0.5));
        var logZ = ConjugateNormal.LogEvidence;
        var rng = new Rng(3);
        var iwae = new double[200];
        var elbo = new double[200];
        for (var r = 0; r < iwae.Length; r++)
        {
            using var scope = NewDisposeScope();
            iwae[r] = Math.Exp(BatchedVariational.Iwae(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(), Guide, (pm, ps), 8, rng).Value.item<double>() - logZ);
            elbo[r] = Math.Exp(BatchedVariational.Elbo(BatchedTestModels.NormalNormal, 3, BatchedTestModels.NormalNormalObservations(), Guide, (pm, ps), 8, rng).Value.item<double>() - logZ);
        }
        var (m, se) = Smc.SmcModels.MeanAndSe(iwae);
        var (em, ese) = Smc.SmcModels.MeanAndSe(elbo);
        output.WriteLine($"mean exp(IWAE − log Z) {m:F4} ± {se:F4}; control exp(ELBO − log Z) {em:F4} ± {ese:F4}");
        Assert.True(Math.Abs(m - 1) < 5 * se);
        Assert.True(Math.Abs(em - 1) > 5 * ese, "the negative control passed");
    }
}
