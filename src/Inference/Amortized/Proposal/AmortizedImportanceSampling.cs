using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Proposal;

/// <summary>
/// Importance sampling with an amortized posterior (for example a Distribution Transformer's) as the
/// proposal: draws y ~ q over f(x), maps them to x = f⁻¹(y) and weights by p(x, z) / q(x), where
/// q(x) = q(y) / |dx/dy|. Whatever the quality of q, the weights make the answer exact as the number
/// of particles grows (provided q covers the posterior), and the mean weight is an unbiased estimate
/// of the evidence p(z). Batched over problems; every tensor operation runs once per call.
/// </summary>
public static class AmortizedImportanceSampling
{
    /// <summary>Runs importance sampling for a batch of problems.</summary>
    /// <param name="proposal">q over y = f(x), batch [B], event [D].</param>
    /// <param name="transform">The sample-space transform f.</param>
    /// <param name="logJoint">log p(x, z) for x of shape [S, B, D], returning [S, B].</param>
    /// <param name="particles">Particles S per problem.</param>
    /// <param name="rng">The random source.</param>
    public static AmortizedImportanceResult Run(Gmm proposal, SampleSpaceTransform transform, Func<Tensor, Tensor> logJoint, int particles, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(logJoint);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        using var ng = no_grad();
        var y = proposal.Sample(rng, [particles]);
        var x = transform.Inverse(y);
        var logQx = proposal.LogProb(y) - transform.LogAbsDetInverseJacobian(y);
        var logP = logJoint(x);
        var logW = logP - logQx;
        if (logW.isnan().any().item<bool>()) throw new InferenceException("An importance weight is NaN: the joint density returned NaN for a proposed particle.");
        var logZ = logW.logsumexp(0).Minus(Math.Log(particles));
        return new AmortizedImportanceResult(x, logW, logZ);
    }
}
