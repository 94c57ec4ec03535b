using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A distribution over tensors whose log density can be computed as a differentiable tensor, so that
/// gradients with respect to choices and trainable parameters flow through TorchSharp autograd.
/// </summary>
public interface ITensorLogDensity
{
    /// <summary>The total log density of <paramref name="value"/> (summed over all elements), as a 0-d tensor on the graph.</summary>
    Tensor LogDensityTensor(Tensor value);
}
