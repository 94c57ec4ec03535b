using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Exact;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Operators;

/// <summary>The exact update of a Gaussian-mixture prior under a linear-Gaussian observation (a Kalman filter per component).</summary>
/// <param name="likelihood">The observation model z = Hx + N(0, R).</param>
public sealed class GmmKalmanOperator(LinearGaussianObservation likelihood) : IPosteriorOperator<Gmm, Tensor, Gmm>
{
    /// <summary>The observation model.</summary>
    public LinearGaussianObservation Likelihood { get; } = likelihood ?? throw new ArgumentNullException(nameof(likelihood));

    /// <inheritdoc />
    public Gmm Update(Gmm prior, Tensor observations) => GmmKalman.Update(prior, Likelihood, observations).Posterior;
}
