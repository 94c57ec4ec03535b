using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>One MLP per observation source; each observation becomes one token. No position is added, so token order carries no information.</summary>
public sealed class ObservationEmbedding : nn.Module<IReadOnlyList<Tensor>, Tensor>
{
    private readonly ModuleList<Mlp> sources;
    private readonly int[] _dims;
    private readonly ObservationScaling _scaling;

    /// <summary>Creates the embeddings for <see cref="DtConfig.ObservationDimensions"/>.</summary>
    public ObservationEmbedding(string name, DtConfig config) : base(name)
    {
        ArgumentNullException.ThrowIfNull(config);
        _dims = config.ObservationDimensions.ToArray();
        _scaling = config.ObservationScaling;
        sources = nn.ModuleList(_dims.Select((d, i) => new Mlp($"source{i}", d, config.EmbeddingHidden, config.ModelDimension)).ToArray());
        RegisterComponents();
    }

    /// <summary>Tokens [B, N₁ + … + N_S, d_model] for the sources' observations [B, Nₛ, Dₛ] (Nₛ may be 0).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> observations)
    {
        if (observations.Count != _dims.Length)
            throw new ArgumentException($"The transformer has {_dims.Length} observation source(s), got {observations.Count}.");
        var tokens = new List<Tensor>();
        for (var i = 0; i < _dims.Length; i++)
        {
            var z = observations[i];
            if (z.dim() != 3 || z.shape[2] != _dims[i])
                throw new ArgumentException($"Observation source {i} must be [B, N, {_dims[i]}], got [{string.Join(", ", z.shape)}].");
            if (z.shape[1] == 0) continue;
            // Scaled in the observations' own precision (float64 keeps huge values finite), then cast to the weights' dtype.
            var scaled = _scaling == ObservationScaling.Asinh ? z.asinh() : z;
            tokens.Add(sources[i].forward(scaled.to_type(sources[i].parameters().First().dtype)));
        }
        return tokens.Count switch
        {
            0 => zeros(new long[] { observations[0].shape[0], 0, 1 }, observations[0].dtype, observations[0].device),
            1 => tokens[0],
            _ => cat(tokens.ToArray(), 1),
        };
    }
}
