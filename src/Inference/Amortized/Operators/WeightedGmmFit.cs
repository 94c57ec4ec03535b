using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Operators;

/// <summary>
/// Fits a K-component Gaussian mixture to weighted particles by expectation–maximisation, batched over
/// independent particle sets. Used to turn a particle posterior into the mixture form that a
/// posterior operator returns and that the next filter step takes as prior.
/// </summary>
public static class WeightedGmmFit
{
    private const double Prior = 1e-8;

    /// <summary>
    /// Fits the mixture. <paramref name="particles"/> is [S] + batch + [D]; <paramref name="logWeights"/>
    /// is [S] + batch (unnormalised). Components start at particles drawn in proportion to the weights;
    /// <paramref name="jitter"/> is added to every covariance's diagonal so that a component that
    /// captures a single particle stays proper.
    /// </summary>
    public static Gmm Fit(Tensor particles, Tensor logWeights, int components, Rng rng, int iterations = 30, double jitter = 1e-6)
    {
        ArgumentNullException.ThrowIfNull(particles);
        ArgumentNullException.ThrowIfNull(logWeights);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(components, 1);
        using var ng = no_grad();
        var s = particles.shape[0];
        var d = particles.shape[^1];
        var batch = particles.shape[1..^1];
        // Work on [B, S, D] with one flattened batch axis.
        var x = particles.reshape(s, -1, d).transpose(0, 1).to_type(ScalarType.Float64);
        var w = logWeights.reshape(s, -1).T.to_type(ScalarType.Float64).softmax(-1); // [B, S]
        var b = x.shape[0];
        using var g = rng.TorchGenerator(x.device);
        var idx = w.multinomial(components, replacement: true, generator: g); // [B, K]
        var mu = x.gather(1, idx.unsqueeze(-1).expand(b, components, d)); // [B, K, D]
        var eye = TorchSharp.torch.eye(d, dtype: ScalarType.Float64, device: x.device);
        var globalMean = (w.unsqueeze(-1) * x).sum(1, keepdim: true);
        var globalCov = (w.unsqueeze(-1).unsqueeze(-1) * (x - globalMean).unsqueeze(-1).matmul((x - globalMean).unsqueeze(-2))).sum(1);
        var cov = globalCov.Plus(eye.Times(jitter)).unsqueeze(1).expand(b, components, d, d).clone();
        var logPi = TensorArithmetic.Full([b, components], -Math.Log(components), ScalarType.Float64, x.device);
        for (var it = 0; it < iterations; it++)
        {
            var l = linalg.cholesky(cov);
            var lp = new MvNormal(mu.unsqueeze(1), l.unsqueeze(1)).LogProb(x.unsqueeze(-2)).Plus(logPi.unsqueeze(1)); // [B, S, K]
            var resp = (lp - lp.logsumexp(-1, keepdim: true)).exp() * w.unsqueeze(-1); // weighted responsibilities
            var nk = resp.sum(1); // [B, K]
            logPi = nk.ClampMin(1e-300).log() - nk.sum(-1, keepdim: true).log();
            // A weak pull (mass Prior) towards the global moments keeps a component that has lost all
            // its particles finite instead of dividing by zero; it is negligible for any live component.
            var denom = nk.Plus(Prior).unsqueeze(-1);
            mu = resp.transpose(1, 2).matmul(x).Plus(globalMean.Times(Prior)) / denom;
            var diff = x.unsqueeze(-2) - mu.unsqueeze(1); // [B, S, K, D]
            cov = (resp.unsqueeze(-1).unsqueeze(-1) * diff.unsqueeze(-1).matmul(diff.unsqueeze(-2))).sum(1).Plus(globalCov.unsqueeze(1).Times(Prior)) / denom.unsqueeze(-1);
            cov = cov.Plus(cov.transpose(-1, -2)).Times(0.5).Plus(eye.Times(jitter));
        }
        var dtype = particles.dtype;
        return new Gmm(logPi.exp().reshape([.. batch, components]).to_type(dtype),
            mu.reshape([.. batch, components, d]).to_type(dtype),
            linalg.cholesky(cov).reshape([.. batch, components, d, d]).to_type(dtype));
    }
}
