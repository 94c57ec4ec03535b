namespace Ppl.Inference.Amortized.Language;

/// <summary>The shape of a <see cref="CausalTransformer"/>: a small decoder-only transformer (pre-layer-norm, GELU MLP).</summary>
public sealed record TransformerOptions
{
    /// <summary>Vocabulary size V (token ids are 0 … V − 1).</summary>
    public int Vocabulary { get; init; }

    /// <summary>The longest sequence the model reads (its learned position table has this many rows).</summary>
    public int ContextLength { get; init; } = 32;

    /// <summary>Model width d (embedding and residual stream).</summary>
    public int Width { get; init; } = 64;

    /// <summary>Number of transformer blocks.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads per block; must divide <see cref="Width"/>.</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Hidden width of each block's MLP as a multiple of <see cref="Width"/>.</summary>
    public int MlpRatio { get; init; } = 4;

    /// <summary>Throws a clear exception for a shape the model cannot have.</summary>
    public void Validate()
    {
        if (Vocabulary < 2) throw new ArgumentOutOfRangeException(nameof(Vocabulary), Vocabulary, "A language model needs at least two tokens.");
        if (ContextLength < 2) throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength, "The context must hold at least two tokens.");
        if (Width < 1 || Layers < 1 || Heads < 1 || MlpRatio < 1)
            throw new ArgumentOutOfRangeException(nameof(Width), $"Width {Width}, layers {Layers}, heads {Heads} and MLP ratio {MlpRatio} must all be positive.");
        if (Width % Heads != 0) throw new ArgumentException($"{Heads} heads do not divide the width {Width}.", nameof(Heads));
    }
}
