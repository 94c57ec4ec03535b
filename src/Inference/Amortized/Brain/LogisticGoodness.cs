using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// ℓ = σ(r − r_ref): the Bradley–Terry probability that y beats a reference output with reward r_ref.
/// Unlike exp(r/β) it saturates, so very high rewards cannot dominate the target.
/// </summary>
public sealed class LogisticGoodness : IGoodness
{
    /// <summary>A logistic goodness around <paramref name="referenceReward"/>.</summary>
    public LogisticGoodness(double referenceReward)
    {
        if (!double.IsFinite(referenceReward)) throw new ArgumentOutOfRangeException(nameof(referenceReward), referenceReward, "The reference reward must be finite.");
        ReferenceReward = referenceReward;
    }

    /// <summary>r_ref.</summary>
    public double ReferenceReward { get; }

    /// <inheritdoc />
    public Tensor LogLikelihood(Tensor reward) => -(-reward.Minus(ReferenceReward)).Softplus();

    /// <inheritdoc />
    public double LogLikelihood(double reward)
    {
        // log σ(z) = −softplus(−z), written to stay accurate for large |z|.
        var z = reward - ReferenceReward;
        return z >= 0 ? -Math.Log(1 + Math.Exp(-z)) : z - Math.Log(1 + Math.Exp(z));
    }
}
