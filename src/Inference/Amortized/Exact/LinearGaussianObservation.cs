using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Exact;

/// <summary>
/// A linear-Gaussian observation z = H x + ε with ε ~ N(0, R): the likelihood under which a Gaussian
/// mixture prior has an exact Gaussian mixture posterior.
/// </summary>
/// <param name="H">The observation matrix, [Dz, D].</param>
/// <param name="R">The observation noise covariance, [Dz, Dz] (symmetric positive definite).</param>
public sealed record LinearGaussianObservation(Tensor H, Tensor R)
{
    /// <summary>The state dimension D.</summary>
    public long StateDimension => H.shape[1];

    /// <summary>The observation dimension Dz.</summary>
    public long ObservationDimension => H.shape[0];

    /// <summary>A scalar observation of a one-dimensional state: z = h x + N(0, r²).</summary>
    public static LinearGaussianObservation Scalar(double h, double noiseSd) =>
        new(tensor(new[,] { { h } }, ScalarType.Float64), tensor(new[,] { { noiseSd * noiseSd } }, ScalarType.Float64));
}
