using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Exact;

/// <summary>Linear-Gaussian dynamics x' = A x + w with w ~ N(0, Q): the prediction step of a filter.</summary>
/// <param name="A">The transition matrix, [D, D].</param>
/// <param name="Q">The process noise covariance, [D, D] (symmetric positive semi-definite).</param>
public sealed record LinearGaussianDynamics(Tensor A, Tensor Q)
{
    /// <summary>The state dimension D.</summary>
    public long StateDimension => A.shape[0];
}
