using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The flat parametrisation of a lower Cholesky factor used by the component embedding and its mirror:
/// (log diag L, strictly-lower entries of L), D(D+1)/2 numbers. Decoding sets diag L = exp(·) + 1e-6,
/// so every decoded covariance L Lᵀ is positive definite whatever the network outputs.
/// </summary>
public static class CholeskyFeatures
{
    /// <summary>The smallest diagonal entry a decoded factor can have.</summary>
    public const double DiagonalFloor = 1e-6;

    /// <summary>Flattens factors [..., D, D] to [..., D(D+1)/2].</summary>
    public static Tensor Encode(Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(scaleTril);
        var d = scaleTril.shape[^1];
        var logDiag = scaleTril.diagonal(0, -2, -1).log();
        if (d == 1) return logDiag;
        var idx = tril_indices(d, d, -1, device: scaleTril.device);
        var flatIdx = idx[0].Times(d).Plus(idx[1]);
        var lower = scaleTril.flatten(-2).index_select(-1, flatIdx);
        return cat([logDiag, lower], -1);
    }

    /// <summary>Builds factors [..., D, D] from [..., D(D+1)/2]: diag exp(·) + 1e-6, the rest below the diagonal.</summary>
    public static Tensor Decode(Tensor features, long d)
    {
        ArgumentNullException.ThrowIfNull(features);
        var diag = features[TensorIndex.Ellipsis, TensorIndex.Slice(0, d)].exp().Plus(DiagonalFloor);
        var l = diag_embed(diag);
        if (d == 1) return l;
        // A constant 0/1 placement matrix puts the strictly-lower entries in place with one matmul,
        // which keeps the map differentiable without in-place indexing. Built once per size and type.
        var lower = features[TensorIndex.Ellipsis, TensorIndex.Slice(d, null)];
        var m = lower.shape[^1];
        var placement = Placement(d, m, features.dtype, features.device);
        var flat = lower.matmul(placement.T);
        return l.Plus(flat.reshape([.. lower.shape[..^1], d, d]));
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(long, ScalarType, string), Tensor> Placements = new();

    private static Tensor Placement(long d, long m, ScalarType dtype, Device device) =>
        Placements.GetOrAdd((d, dtype, device.ToString()), _ =>
        {
            var idx = tril_indices(d, d, -1);
            var rows = idx[0].data<long>().ToArray();
            var cols = idx[1].data<long>().ToArray();
            var values = new float[d * d * m];
            for (var j = 0; j < m; j++) values[(rows[j] * d + cols[j]) * m + j] = 1f;
            return tensor(values, new long[] { d * d, m }).to(dtype, device).DetachFromDisposeScope();
        });
}
