using Ppl.Inference.Amortized.Mixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The de-embedding, mirror of <see cref="ComponentEmbedding"/>: each token becomes (logit, μ, log diag L,
/// strictly-lower L). Weights are a softmax across the tokens (a valid simplex for any K) and
/// L = tril + diag(exp(·) + 1e-6), so Σ = L Lᵀ is always positive definite.
/// </summary>
public sealed class GmmHead : nn.Module<Tensor, GmmTensors>
{
    private readonly Mlp mlp;
    private readonly long _d;

    /// <summary>Creates the head for D-dimensional components.</summary>
    public GmmHead(string name, DtConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _d = config.StateDimension;
        mlp = new Mlp("mlp", config.ModelDimension, config.EmbeddingHidden, config.ComponentFeatures);
        RegisterComponents();
    }

    /// <summary>Decodes tokens [B, K, d_model] into a batch of K-component mixtures.</summary>
    public override GmmTensors forward(Tensor tokens)
    {
        var f = mlp.forward(tokens);
        var logits = f[TensorIndex.Ellipsis, 0];
        var means = f[TensorIndex.Ellipsis, TensorIndex.Slice(1, 1 + _d)];
        var chol = CholeskyFeatures.Decode(f[TensorIndex.Ellipsis, TensorIndex.Slice(1 + _d, null)], _d);
        return new GmmTensors(logits.log_softmax(-1), means, chol);
    }
}
