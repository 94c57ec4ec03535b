using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// ℓ ∝ exp(r / β): with a Bradley–Terry reward the target is the KL-regularised RL optimum
/// π* ∝ p exp(r / β) (papers.md 4.1). The constant of proportionality cancels in every estimator.
/// </summary>
public sealed class BradleyTerryGoodness : IGoodness
{
    /// <summary>A goodness with temperature <paramref name="beta"/> (&gt; 0).</summary>
    public BradleyTerryGoodness(double beta)
    {
        if (!(beta > 0) || double.IsInfinity(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive and finite.");
        Beta = beta;
    }

    /// <summary>The temperature β; smaller β trusts the reward more.</summary>
    public double Beta { get; }

    /// <inheritdoc />
    public Tensor LogLikelihood(Tensor reward) => reward.Over(Beta);

    /// <inheritdoc />
    public double LogLikelihood(double reward) => reward / Beta;
}
