using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Proposal;

/// <summary>Batched importance sampling output.</summary>
/// <param name="Particles">Draws x in the original space, [S, B, D].</param>
/// <param name="LogWeights">log p(x, z) − log q(x), [S, B].</param>
/// <param name="LogEvidence">log of the mean weight per problem (an unbiased estimate of p(z) after exponentiation), [B].</param>
public sealed record AmortizedImportanceResult(Tensor Particles, Tensor LogWeights, Tensor LogEvidence)
{
    /// <summary>Self-normalised posterior expectation of f(x) per problem, where f maps [S, B, D] to [S, B].</summary>
    public Tensor Expectation(Func<Tensor, Tensor> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return (LogWeights.softmax(0) * f(Particles)).sum([0]);
    }

    /// <summary>Kish's effective sample size per problem, [B].</summary>
    public Tensor EffectiveSampleSize
    {
        get
        {
            // (Σw)² / Σw² in log space, safe for weights that underflow.
            return (LogWeights.logsumexp(0).Times(2) - LogWeights.Times(2).logsumexp(0)).exp();
        }
    }
}
