using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// ℝ^(n(n+1)/2) onto the symmetric positive-definite n×n matrices, as the scalar <see cref="CovarianceBijector"/>: the
/// entries fill a lower-triangular L row by row (j ≤ i), the diagonal through exp, and W = LLᵀ;
/// log |J| = n log 2 + Σᵢ (n − i + 1) uᵢᵢ (0-based i), from dW/dL and the exponential.
/// </summary>
public sealed class CovarianceTensorBijector : ITensorBijector
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>Creates the bijector for n×n matrices, <paramref name="dimension"/> ≥ 1.</summary>
    public CovarianceTensorBijector(long dimension) =>
        Dimension = dimension >= 1 ? dimension : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be at least 1");

    /// <summary>The matrix dimension n.</summary>
    public long Dimension { get; }

    /// <inheritdoc />
    public long[] UnconstrainedEventShape => [Dimension * (Dimension + 1) / 2];

    /// <inheritdoc />
    public long[] ConstrainedEventShape => [Dimension, Dimension];

    // Positions in the flattened n×n matrix of the packed entries (row-major lower triangle), and of the diagonal in the packed vector.
    private Tensor FlatIndex(Device device) =>
        tensor(Enumerable.Range(0, (int)Dimension).SelectMany(i => Enumerable.Range(0, i + 1).Select(j => (long)i * Dimension + j)).ToArray(), ScalarType.Int64, device);

    private Tensor DiagonalPositions(Device device) =>
        tensor(Enumerable.Range(0, (int)Dimension).Select(i => (long)i * (i + 1) / 2 + i).ToArray(), ScalarType.Int64, device);

    /// <summary>The lower-triangular factor L (exp on the diagonal) of the packed entries.</summary>
    internal Tensor Factor(Tensor unconstrained)
    {
        var batch = unconstrained.shape[..^1];
        var n = Dimension;
        var idx = FlatIndex(unconstrained.device).expand([.. batch, n * (n + 1) / 2]);
        var flat = zeros([.. batch, n * n], unconstrained.dtype, unconstrained.device).scatter(-1, idx, unconstrained);
        var l = flat.reshape([.. batch, n, n]);
        return l.tril(-1).Plus(l.diagonal(0, -2, -1).exp().diag_embed());
    }

    /// <inheritdoc />
    public Tensor Forward(Tensor unconstrained)
    {
        var l = Factor(unconstrained);
        return l.matmul(l.transpose(-1, -2));
    }

    /// <summary>The packed entries of W's Cholesky factor, the diagonal as logarithms (NaN where W is not positive definite).</summary>
    public Tensor Inverse(Tensor value)
    {
        var (l, info) = linalg.cholesky_ex(value);
        var n = Dimension;
        var logL = l.tril(-1).Plus(l.diagonal(0, -2, -1).log().diag_embed());
        var batch = value.shape[..^2];
        var packed = logL.reshape([.. batch, n * n]).gather(-1, FlatIndex(value.device).expand([.. batch, n * (n + 1) / 2]));
        return packed.MaskedFill(info.Ne(0.0).unsqueeze(-1), double.NaN);
    }

    /// <inheritdoc />
    public Tensor LogAbsDetJacobian(Tensor unconstrained)
    {
        var n = Dimension;
        var weights = tensor(Enumerable.Range(0, (int)n).Select(i => (double)(n - i + 1)).ToArray(), unconstrained.dtype, unconstrained.device);
        return (unconstrained.index_select(-1, DiagonalPositions(unconstrained.device)) * weights).sum(-1).Plus(n * Ln2);
    }
}
