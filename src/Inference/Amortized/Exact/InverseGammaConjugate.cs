using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Exact;

/// <summary>
/// The inverse-gamma variance model: σ² ~ InvGamma(α, β), zᵢ ~ N(0, σ²) independently. The posterior is
/// InvGamma(α + n/2, β + Σzᵢ²/2). Densities on y = log σ² (the Distribution Transformer's sample space)
/// carry the Jacobian: p(y) = InvGamma(eʸ) · eʸ.
/// </summary>
public static class InverseGammaConjugate
{
    /// <summary>The exact posterior for observations of shape batch + [N] (N may be 0).</summary>
    public static InverseGamma Update(InverseGamma prior, Tensor observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(observations);
        var z = observations.to(prior.DType, prior.Device);
        var n = z.shape[^1];
        return new InverseGamma(prior.Alpha.Plus(0.5 * n), prior.Beta.Plus(z.Squared().sum(-1).Times(0.5)));
    }

    /// <summary>log p(z₁..z_N) = log Γ(α′) − log Γ(α) + α log β − α′ log β′ − (N/2) log 2π, shape batch.</summary>
    public static Tensor LogEvidence(InverseGamma prior, Tensor observations)
    {
        ArgumentNullException.ThrowIfNull(prior);
        var post = Update(prior, observations);
        var n = observations.shape[^1];
        return ((post.Alpha.lgamma() - prior.Alpha.lgamma()).Plus(prior.Alpha * prior.Beta.log()) - post.Alpha * post.Beta.log())
            .Minus(0.5 * n * Math.Log(2 * Math.PI));
    }

    /// <summary>The density of y = log σ² when σ² has distribution <paramref name="d"/>: log InvGamma(eʸ) + y.</summary>
    public static Tensor LogDensityOfLog(InverseGamma d, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(y);
        // Written directly in y so that large |y| neither overflows nor loses the Jacobian term.
        var yy = y.to(d.DType, d.Device);
        return d.Alpha * d.Beta.log() - d.Alpha.lgamma() - d.Alpha * yy - d.Beta * (-yy).exp();
    }

    /// <summary>Draws of y = log σ², shape sample + batch, computed as log β − log G with G ~ Gamma(α, 1) so that tiny α does not underflow.</summary>
    public static Tensor SampleLog(InverseGamma d, Rng rng, long[] sampleShape)
    {
        ArgumentNullException.ThrowIfNull(d);
        var g = new Ppl.Distributions.Tensors.Gamma(d.Alpha, ones_like(d.Alpha)).Sample(rng, sampleShape);
        return d.Beta.log() - g.ClampMin(1e-300).log();
    }

    /// <summary>
    /// KL(p ‖ N(m, v)) in closed form, where p is the density of y = log σ² for σ² ~ <paramref name="d"/> and
    /// N(m, v) is the Gaussian with the same mean m = log β − ψ(α) and variance v = ψ′(α) (the moment-matched
    /// Gaussian of papers.md 3.8): −H(p) + ½ log(2πv) + ½ with H(p) = log Γ(α) − α ψ(α) + α. Shape batch.
    /// </summary>
    public static Tensor MomentMatchedGaussianKlOfLog(InverseGamma d)
    {
        ArgumentNullException.ThrowIfNull(d);
        var a = d.Alpha;
        var entropy = (a.lgamma() - a * a.digamma()).Plus(a);
        return (-entropy).Plus(a.polygamma(1).Times(2 * Math.PI).log().Times(0.5)).Plus(0.5);
    }

    /// <summary>The mean log β − ψ(α) and variance ψ′(α) of y = log σ² for σ² ~ <paramref name="d"/>.</summary>
    public static (Tensor Mean, Tensor Variance) MomentsOfLog(InverseGamma d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return (d.Beta.log() - d.Alpha.digamma(), d.Alpha.polygamma(1));
    }
}
