using Ppl.Inference.Amortized.Mixtures;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// One token per mixture component: the vector (log w, μ, log diag L, strictly-lower L) mapped to
/// d_model by an MLP. The paper uses logit(w); log w is used here because the output head normalises
/// by a softmax, whose inverse is log w up to a constant, and because logit(1) is infinite for K = 1.
/// </summary>
public sealed class ComponentEmbedding : nn.Module<GmmTensors, Tensor>
{
    private readonly Mlp mlp;

    /// <summary>Creates the embedding for D-dimensional components.</summary>
    public ComponentEmbedding(string name, DtConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        mlp = new Mlp("mlp", config.ComponentFeatures, config.EmbeddingHidden, config.ModelDimension);
        RegisterComponents();
    }

    /// <summary>The raw feature vectors of the components, [B, K, 1 + D + D(D+1)/2].</summary>
    public static Tensor Features(GmmTensors mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        // Clamped so that a component of zero weight does not feed −∞ into the network.
        var logW = mixture.LogWeights.ClampMin(-30.0).unsqueeze(-1);
        return cat([logW, mixture.Means, CholeskyFeatures.Encode(mixture.ScaleTrils)], -1);
    }

    /// <summary>The tokens, [B, K, d_model].</summary>
    public override Tensor forward(GmmTensors mixture) => mlp.forward(Features(mixture));
}
