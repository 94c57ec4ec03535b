using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// A stochastic-probability distribution over choice maps (papers.md §2.2): a sampler with a weight
/// whose reciprocal is unbiased for the reciprocal density, and a density estimator that is unbiased.
/// Exact guides return their exact log density from both.
/// </summary>
public interface ISpDistribution
{
    /// <summary>random_weighted: (x, log ŵ) with x ~ q and E[1/ŵ | x] = 1/q(x).</summary>
    (ChoiceMap Choices, Tensor LogWeight) RandomWeighted(ViContext vi);

    /// <summary>estimate_logpdf: log ŵ with E[ŵ] = q(x).</summary>
    Tensor EstimateLogDensity(ViContext vi, ChoiceMap choices);
}
