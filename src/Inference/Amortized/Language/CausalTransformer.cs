using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Language;

/// <summary>
/// A small decoder-only transformer: token and learned position embeddings, <see cref="TransformerOptions.Layers"/>
/// causal blocks, a final layer norm and an untied output head. <see cref="forward"/> maps token ids [N, T] to
/// next-token logits [N, T, V]: row t scores the token at t + 1 given tokens 0 … t.
/// </summary>
public sealed class CausalTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding token_embedding;
    private readonly Embedding position_embedding;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm final_norm;
    private readonly Linear head;

    /// <summary>
    /// A model of shape <paramref name="options"/>, initialised from <paramref name="rng"/> (normal weights with
    /// standard deviation 0.02, zero biases, unit layer norms; GPT-2's scheme) so that a seed fixes the model
    /// without touching TorchSharp's global generator.
    /// </summary>
    public CausalTransformer(TransformerOptions options, Rng rng) : base(nameof(CausalTransformer))
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        options.Validate();
        Options = options;
        token_embedding = nn.Embedding(options.Vocabulary, options.Width);
        position_embedding = nn.Embedding(options.ContextLength, options.Width);
        blocks = new ModuleList<TransformerBlock>();
        for (var l = 0; l < options.Layers; l++) blocks.Add(new TransformerBlock(options.Width, options.Heads, options.MlpRatio * options.Width));
        final_norm = nn.LayerNorm(options.Width);
        head = nn.Linear(options.Width, options.Vocabulary);
        RegisterComponents();
        Initialise(rng);
    }

    /// <summary>The model's shape.</summary>
    public TransformerOptions Options { get; }

    /// <summary>Next-token logits [N, T, V] for token ids [N, T] (int64, T ≤ the context length).</summary>
    public override Tensor forward(Tensor tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.dim() != 2) throw new ArgumentException($"Token ids are [N, T]; got shape [{string.Join(", ", tokens.shape)}].", nameof(tokens));
        var t = tokens.shape[1];
        if (t > Options.ContextLength)
            throw new ArgumentException($"A sequence of {t} tokens is longer than the model's context of {Options.ContextLength}.", nameof(tokens));
        using var scope = NewDisposeScope();
        var positions = TensorArithmetic.Arange(t, ScalarType.Int64, tokens.device);
        var x = token_embedding.forward(tokens).Plus(position_embedding.forward(positions).unsqueeze(0));
        foreach (var block in blocks) x = block.forward(x);
        return head.forward(final_norm.forward(x)).MoveToOuterDisposeScope();
    }

    private void Initialise(Rng rng)
    {
        using var _ = no_grad();
        using var generator = rng.TorchGenerator();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith("bias", StringComparison.Ordinal)) p.zero_();
            else if (name.Contains("norm", StringComparison.Ordinal)) p.FillInPlace(1.0);
            else p.copy_(randn(p.shape, p.dtype, generator: generator).Times(0.02));
        }
    }
}
