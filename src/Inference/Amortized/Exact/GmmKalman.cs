using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Exact;

/// <summary>
/// Exact Gaussian-mixture filtering: linear-Gaussian prediction and update applied to every component
/// (a bank of Kalman filters), with the mixture weights reweighted by each component's predictive
/// density of the observation. Works on batches of mixtures; computations run in the prior's dtype
/// (use float64 for reference answers).
/// </summary>
public static class GmmKalman
{
    /// <summary>Pushes each component through x' = A x + w: μ ← Aμ, Σ ← AΣAᵀ + Q; the weights are unchanged.</summary>
    public static Gmm Predict(Gmm prior, LinearGaussianDynamics dynamics)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(dynamics);
        var a = dynamics.A.to(prior.DType, prior.Device);
        var q = dynamics.Q.to(prior.DType, prior.Device);
        var means = prior.Means.matmul(a.T);
        var cov = a.matmul(Covariance(prior)).matmul(a.T).Plus(q);
        return new Gmm(prior.Weights, means, SafeCholesky(cov));
    }

    /// <summary>
    /// Conditions on one observation z (batch + [Dz]) or on several independent ones (batch + [N, Dz]),
    /// sequentially. Per component: S = HΣHᵀ + R, K = ΣHᵀS⁻¹, μ′ = μ + K(z − Hμ), Σ′ = (I − KH)Σ, and
    /// w′ ∝ w N(z; Hμ, S).
    /// </summary>
    public static GmmUpdateResult Update(Gmm prior, LinearGaussianObservation likelihood, Tensor observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(likelihood);
        ArgumentNullException.ThrowIfNull(observations);
        var dz = likelihood.ObservationDimension;
        var z = observations.to(prior.DType, prior.Device);
        var batchDims = prior.BatchShape.Length;
        // One observation per batch member has batch + [Dz]; several have batch + [N, Dz].
        if (z.dim() == batchDims + 1) z = z.unsqueeze(-2);
        if (z.dim() != batchDims + 2 || z.shape[^1] != dz)
            throw new ArgumentException($"observations must be batch + [Dz] or batch + [N, Dz] with Dz = {dz}; got [{string.Join(", ", observations.shape)}].", nameof(observations));
        var h = likelihood.H.to(prior.DType, prior.Device);
        var r = likelihood.R.to(prior.DType, prior.Device);
        var logW = prior.Weights.log();
        var mu = prior.Means;
        var cov = Covariance(prior);
        var logEvidence = zeros(prior.BatchShape, prior.DType, prior.Device);
        var eye = TorchSharp.torch.eye(prior.Means.shape[^1], dtype: prior.DType, device: prior.Device);
        for (long n = 0; n < z.shape[^2]; n++)
        {
            var zn = z.select(-2, n).unsqueeze(-2); // batch + [1, Dz], broadcast over components
            var s = h.matmul(cov).matmul(h.T).Plus(r);
            s = s.Plus(s.transpose(-1, -2)).Times(0.5);
            var sChol = linalg.cholesky(s);
            var predicted = mu.matmul(h.T);
            var innovation = zn - predicted;
            var logPred = new MvNormal(predicted, sChol).LogProb(zn); // batch + [K]
            // K = Σ Hᵀ S⁻¹, solved through the Cholesky factor of S rather than an explicit inverse.
            var sigmaHt = cov.matmul(h.T);
            var gain = cholesky_solve(sigmaHt.transpose(-1, -2), sChol).transpose(-1, -2);
            mu = mu.Plus(gain.matmul(innovation.unsqueeze(-1)).squeeze(-1));
            // Joseph form keeps Σ′ symmetric positive definite despite rounding.
            var ikh = eye - gain.matmul(h);
            cov = ikh.matmul(cov).matmul(ikh.transpose(-1, -2)).Plus(gain.matmul(r).matmul(gain.transpose(-1, -2)));
            var joint = logW.Plus(logPred);
            var norm = joint.logsumexp(-1);
            logEvidence = logEvidence.Plus(norm);
            logW = joint - norm.unsqueeze(-1);
        }
        return new GmmUpdateResult(new Gmm(logW.exp(), mu, SafeCholesky(cov)), logEvidence);
    }

    /// <summary>The component covariances L Lᵀ, batch + [K, D, D].</summary>
    public static Tensor Covariance(Gmm gmm)
    {
        ArgumentNullException.ThrowIfNull(gmm);
        return gmm.ScaleTrils.matmul(gmm.ScaleTrils.transpose(-1, -2));
    }

    private static Tensor SafeCholesky(Tensor cov) => linalg.cholesky(cov.Plus(cov.transpose(-1, -2)).Times(0.5));
}
