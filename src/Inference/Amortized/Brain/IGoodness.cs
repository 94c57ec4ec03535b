using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// A goodness likelihood ℓ(x, y) = p(G = 1 | x, y) as a function of a reward: the factor that turns the
/// prior p(y | x) into the target p(y | x, G = 1) ∝ p(y | x) ℓ(x, y) (papers.md 4.1).
/// </summary>
public interface IGoodness
{
    /// <summary>log ℓ for each reward (same shape; −∞ rules a sample out).</summary>
    Tensor LogLikelihood(Tensor reward);

    /// <summary>log ℓ for one reward.</summary>
    double LogLikelihood(double reward);
}
