using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// Tokens for a prior of a parametric family other than a mixture (InvGamma(α, β), Beta, ...): the
/// (optionally log-transformed) parameters go through an MLP to d_model, then K separate conversion
/// MLPs produce K latent component tokens. The conversion heads are distinct on purpose: they give the
/// output mixture K distinguishable components.
/// </summary>
public sealed class DistributionEmbedding : nn.Module<Tensor, Tensor>
{
    private readonly Mlp embed;
    private readonly ModuleList<Mlp> conversions;
    private readonly bool _log;

    /// <summary>Creates the embedding for <see cref="DtConfig.PriorParameterCount"/> parameters and <see cref="DtConfig.Components"/> tokens.</summary>
    public DistributionEmbedding(string name, DtConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _log = config.LogPriorParameters;
        embed = new Mlp("embed", config.PriorParameterCount, config.EmbeddingHidden, config.ModelDimension);
        conversions = nn.ModuleList(Enumerable.Range(0, config.Components)
            .Select(k => new Mlp($"convert{k}", config.ModelDimension, config.EmbeddingHidden, config.ModelDimension)).ToArray());
        RegisterComponents();
    }

    /// <summary>The K tokens for parameters [B, P]: [B, K, d_model].</summary>
    public override Tensor forward(Tensor parameters)
    {
        var p = _log ? parameters.log() : parameters;
        var h = embed.forward(p);
        return stack(conversions.Select(c => c.forward(h)).ToArray(), 1);
    }
}
