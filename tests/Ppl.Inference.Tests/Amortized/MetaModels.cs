using Ppl.Distributions;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Tests.Amortized;

/// <summary>Small meta-models for the tests.</summary>
internal static class MetaModels
{
    public const double NoiseSd = 0.7;

    /// <summary>
    /// 1-D GMM priors with K = 3: weights ~ Dirichlet(1, 1, 1), means ~ N(0, 1.5²), sds = exp(U(−1, 0.3));
    /// x ~ prior; zᵢ = x + N(0, 0.7²). The number of observations is drawn per batch from {0, 1, 2, 3},
    /// so the network also learns the no-observation case.
    /// </summary>
    public static TensorMetaModel Gmm1D(int? fixedN = null) => new((b, rng) =>
    {
        using var g = rng.TorchGenerator();
        var n = fixedN ?? rng.Next(4);
        var prior = RandomPriors(b, g);
        var gmm = prior.ToGmm(ScalarType.Float32);
        var x = gmm.Sample(rng);
        var z = x.unsqueeze(1).Plus(randn(new long[] { b, n, 1 }, generator: g).Times(NoiseSd));
        return new MetaBatch(DtPrior.FromMixture(prior), x, [z]);
    });

    public static GmmTensors RandomPriors(int b, TorchSharp.torch.Generator? g)
    {
        var w = -rand(new long[] { b, 3 }, generator: g).ClampMin(1e-12).log();
        w = w / w.sum(-1, keepdim: true);
        var mu = randn(new long[] { b, 3, 1 }, generator: g).Times(1.5);
        var sd = rand(new long[] { b, 3, 1, 1 }, generator: g).Times(1.3).Minus(1.0).exp();
        return new GmmTensors(w.log(), mu, sd);
    }

    public static LinearGaussianObservation Likelihood => LinearGaussianObservation.Scalar(1.0, NoiseSd);

    /// <summary>The inverse-gamma meta-model of papers.md 3.8 written as a Ppl model: α, β ~ Gamma(1, 1), σ² ~ InvGamma(α, β), zᵢ ~ N(0, σ²).</summary>
    public static DynamicModel<Unit, MetaDraw> InverseGamma(int n) => DynamicModel.Create("invgamma-meta", t =>
    {
        var a = t.Sample("alpha", new Gamma(1, 1));
        var b = t.Sample("beta", new Gamma(1, 1));
        // Bounded away from 0 so the simulated variances stay within float range.
        a = Math.Max(a, 0.05);
        b = Math.Max(b, 1e-3);
        var s2 = t.Sample("sigma2", new InverseGamma(a, b));
        var z = new double[n][];
        for (var i = 0; i < n; i++) z[i] = [t.Sample(new Address("z", i), new Normal(0, Math.Sqrt(s2)))];
        return new MetaDraw([a, b], [s2], z);
    });
}
