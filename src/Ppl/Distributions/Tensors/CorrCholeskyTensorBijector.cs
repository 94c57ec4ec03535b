using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// The map from ℝ^(D(D−1)/2) onto Cholesky factors of D×D correlation matrices through canonical partial
/// correlations: z = tanh(u) fills the strict lower triangle row by row, and each row is scaled so that it
/// has unit norm (Stan's and LKJ's construction). The Jacobian is taken with respect to the strict lower
/// triangle of L, the coordinates the LKJ-Cholesky density refers to.
/// </summary>
public sealed class CorrCholeskyTensorBijector : ITensorBijector
{
    private readonly long[] _rows;
    private readonly long[] _cols;

    /// <summary>Creates the bijector for D×D factors, D ≥ 2.</summary>
    public CorrCholeskyTensorBijector(long dimension)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Correlation matrices need D >= 2.");
        D = dimension;
        var rows = new List<long>();
        var cols = new List<long>();
        for (long i = 1; i < D; i++)
            for (long j = 0; j < i; j++)
            {
                rows.Add(i);
                cols.Add(j);
            }
        _rows = rows.ToArray();
        _cols = cols.ToArray();
    }

    /// <summary>The matrix dimension D.</summary>
    public long D { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [D * (D - 1) / 2];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [D, D];

    private Tensor FlatIndex(Device device) =>
        tensor(_rows.Zip(_cols, (i, j) => i * D + j).ToArray(), device: device);

    private Tensor Scatter(Tensor x)
    {
        // A one-hot matrix keeps the fill differentiable and free of in-place writes on autograd leaves.
        var m = _rows.Length;
        var s = zeros([m, D * D], x.dtype, x.device);
        var flat = FlatIndex(x.device);
        s.index_put_(ones(m, x.dtype, x.device), TensorArithmetic.Arange(m, device: x.device), flat);
        var batch = x.shape[..^1];
        return matmul(x, s).reshape([.. batch, D, D]);
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained)
    {
        var r = Scatter(unconstrained.tanh());
        var z1mSqrt = (r * r).SubtractedFrom(1).sqrt().cumprod(-1);
        var scale = nn.functional.pad(z1mSqrt[TensorIndex.Ellipsis, TensorIndex.Slice(0, D - 1)], [1, 0], value: 1.0);
        return r.Plus(eye(D, dtype: r.dtype, device: r.device)) * scale;
    }

    /// <inheritdoc />
    public Tensor Inverse(Tensor value)
    {
        var sq = value * value;
        var before = sq.cumsum(-1) - sq;
        var z = value / before.SubtractedFrom(1).sqrt();
        var batch = value.shape[..^2];
        var flat = z.reshape([.. batch, D * D]).index_select(-1, FlatIndex(value.device));
        return flat.atanh();
    }

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained)
    {
        // Row i, column k contributes log(1 − z²) from tanh and ½ log(1 − z²) to each of the i − k − 1
        // later entries of its row, hence the weight (i − k + 1)·½ log(1 − z²).
        var u = unconstrained;
        var halfLog1mZ2 = u.SubtractedFrom(Math.Log(2.0)) - u.Times(-2).Softplus();
        var w = tensor(_rows.Zip(_cols, (i, k) => (double)(i - k + 1)).ToArray(), u.dtype, u.device);
        return (halfLog1mZ2 * w).sum(-1);
    }
}
