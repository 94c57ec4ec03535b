using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Stan's stick-breaking map from ℝ^(K−1) onto the K-simplex. The offset −log(K−1−k) makes u = 0 map to
/// the uniform vector. The Jacobian is taken with respect to the first K − 1 coordinates, which is the
/// measure a Dirichlet density refers to.
/// </summary>
public sealed class StickBreakingTensorBijector : ITensorBijector
{
    /// <summary>Creates the map onto the simplex of dimension <paramref name="k"/> (≥ 2).</summary>
    public StickBreakingTensorBijector(long k)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), k, "The simplex needs at least two coordinates.");
        K = k;
    }

    /// <summary>The simplex dimension K.</summary>
    public long K { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [K - 1];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [K];

    private Tensor LogOffset(Tensor like) =>
        TensorArithmetic.Arange(K - 1, 0, -1, like.dtype, like.device).log();

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained)
    {
        var z = (unconstrained - LogOffset(unconstrained)).sigmoid();
        var remaining = z.SubtractedFrom(1).cumprod(-1);
        return nn.functional.pad(z, [0, 1], value: 1.0) * nn.functional.pad(remaining, [1, 0], value: 1.0);
    }

    /// <inheritdoc />
    public Tensor Inverse(Tensor value)
    {
        var head = value[TensorIndex.Ellipsis, TensorIndex.Slice(0, K - 1)];
        // Sum from the right: 1 − cumsum(head) loses everything when the tail mass is tiny.
        var tail = value.flip(-1).cumsum(-1).flip(-1)[TensorIndex.Ellipsis, TensorIndex.Slice(1, K)];
        return (head.log() - tail.log()).Plus(LogOffset(value));
    }

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained)
    {
        var x = unconstrained - LogOffset(unconstrained);
        var y = Forward(unconstrained)[TensorIndex.Ellipsis, TensorIndex.Slice(0, K - 1)];
        return (-x).Plus(nn.functional.logsigmoid(x)).Plus(y.log()).sum(-1);
    }
}
