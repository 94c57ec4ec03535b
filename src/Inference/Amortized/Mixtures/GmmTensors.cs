using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Mixtures;

/// <summary>
/// A batch of Gaussian mixtures as differentiable tensors: log weights (batch + [K], normalised), means
/// (batch + [K, D]) and lower Cholesky factors (batch + [K, D, D]). This is what the Distribution
/// Transformer outputs and trains on; <see cref="ToGmm"/> gives the library's <see cref="Gmm"/>.
/// </summary>
/// <param name="LogWeights">log wₖ, normalised over the last dimension.</param>
/// <param name="Means">μₖ.</param>
/// <param name="ScaleTrils">Lₖ with Σₖ = Lₖ Lₖᵀ.</param>
public sealed record GmmTensors(Tensor LogWeights, Tensor Means, Tensor ScaleTrils)
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>The number of components K.</summary>
    public long K => Means.shape[^2];

    /// <summary>The dimension D.</summary>
    public long D => Means.shape[^1];

    /// <summary>The tensors of a <see cref="Gmm"/>.</summary>
    public static GmmTensors From(Gmm gmm)
    {
        ArgumentNullException.ThrowIfNull(gmm);
        return new GmmTensors(gmm.Weights.log(), gmm.Means, gmm.ScaleTrils);
    }

    /// <summary>
    /// log Σₖ wₖ N(x; μₖ, Σₖ) by log-sum-exp over components, differentiable in the parameters;
    /// <paramref name="x"/> is sample + batch + [D] (broadcast against the batch), the result sample + batch.
    /// </summary>
    public Tensor LogProb(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var diff = x.unsqueeze(-2) - Means; // ... + [K, D]
        Tensor maha;
        Tensor halfLogDet;
        if (D == 1)
        {
            // One dimension: a division instead of a triangular solve (several times cheaper per op).
            var sd = ScaleTrils.squeeze(-1).squeeze(-1).unsqueeze(-1);
            maha = (diff / sd).Squared().sum(-1);
            halfLogDet = sd.log().sum(-1);
        }
        else
        {
            var l = ScaleTrils.expand([.. diff.shape, D]);
            maha = linalg.solve_triangular(l, diff.unsqueeze(-1), upper: false).squeeze(-1).Squared().sum(-1);
            halfLogDet = ScaleTrils.diagonal(0, -2, -1).log().sum(-1);
        }
        var comp = (maha.Times(-0.5) - halfLogDet).Minus(D * HalfLog2Pi);
        return comp.Plus(LogWeights).logsumexp(-1);
    }

    /// <summary>Detached copies in <paramref name="dtype"/> as a <see cref="Gmm"/> (for sampling, moments and exact comparisons).</summary>
    public Gmm ToGmm(ScalarType dtype = ScalarType.Float64)
    {
        using var ng = no_grad();
        var lw = LogWeights.detach().to_type(dtype);
        // Renormalise in the target precision so the simplex check holds exactly.
        return new Gmm((lw - lw.logsumexp(-1, keepdim: true)).exp(), Means.detach().to_type(dtype), ScaleTrils.detach().to_type(dtype));
    }

    /// <summary>The mixtures with their components permuted by <paramref name="permutation"/> (indices into K).</summary>
    public GmmTensors PermuteComponents(long[] permutation)
    {
        var idx = tensor(permutation, device: Means.device);
        var dims = Means.dim();
        return new GmmTensors(LogWeights.index_select(dims - 2, idx), Means.index_select(dims - 2, idx), ScaleTrils.index_select(dims - 2, idx));
    }
}
