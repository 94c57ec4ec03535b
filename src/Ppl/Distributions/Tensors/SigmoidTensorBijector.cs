using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>x = lower + (upper − lower)·σ(u) elementwise: ℝ onto (lower, upper), for scalar events.</summary>
public sealed class SigmoidTensorBijector : ITensorBijector
{
    /// <summary>Creates the bijector onto (<paramref name="lower"/>, <paramref name="upper"/>); bounds broadcast against the batch.</summary>
    public SigmoidTensorBijector(Tensor lower, Tensor upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lower bounds.</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bounds.</summary>
    public Tensor Upper { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [];

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained) => Lower.Plus((Upper - Lower) * unconstrained.sigmoid());

    /// <inheritdoc />
    public Tensor Inverse(Tensor value)
    {
        var p = (value - Lower) / (Upper - Lower);
        return p.log() - (-p).log1p();
    }

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained) =>
        (Upper - Lower).log() - (-unconstrained).Softplus() - unconstrained.Softplus();
}
