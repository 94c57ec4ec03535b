namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The sizes of a Distribution Transformer. The defaults are the CPU-sized DT of papers.md 3.8
/// (d_model 32, 3 layers, 4 heads, feed-forward 128); the paper's GPU configurations are larger.
/// </summary>
public sealed record DtConfig
{
    /// <summary>The dimension D of the (transformed) latent variable.</summary>
    public int StateDimension { get; init; } = 1;

    /// <summary>
    /// The number of parameters of a non-mixture prior family read by the distribution embedding (for
    /// example 2 for InvGamma(α, β)); 0 when the priors are Gaussian mixtures read as component tokens.
    /// </summary>
    public int PriorParameterCount { get; init; }

    /// <summary>Whether the distribution embedding takes the logarithm of the (positive) prior parameters first.</summary>
    public bool LogPriorParameters { get; init; } = true;

    /// <summary>
    /// The number of latent component tokens the distribution embedding's conversion heads produce (the
    /// number of components of the output mixture for a non-mixture prior). Mixture priors keep their own K.
    /// </summary>
    public int Components { get; init; } = 5;

    /// <summary>The dimensions of the observation sources; each source has its own embedding network and contributes one token per observation.</summary>
    public IReadOnlyList<int> ObservationDimensions { get; init; } = [1];

    /// <summary>How raw observations are scaled before their embedding networks.</summary>
    public ObservationScaling ObservationScaling { get; init; } = ObservationScaling.None;

    /// <summary>The token width d_model.</summary>
    public int ModelDimension { get; init; } = 32;

    /// <summary>The number of attention heads (dividing <see cref="ModelDimension"/>).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>The number of decoder blocks.</summary>
    public int Layers { get; init; } = 3;

    /// <summary>The feed-forward width of each block (4 · d_model on CPU).</summary>
    public int FeedForward { get; init; } = 128;

    /// <summary>The hidden width of the embedding, conversion and de-embedding networks.</summary>
    public int EmbeddingHidden { get; init; } = 32;

    /// <summary>The number of features of one mixture component: 1 + D + D(D+1)/2 (weight, mean, Cholesky factor).</summary>
    public int ComponentFeatures => 1 + StateDimension + StateDimension * (StateDimension + 1) / 2;

    /// <summary>Throws <see cref="ArgumentException"/> for inconsistent sizes.</summary>
    public void Validate()
    {
        if (StateDimension < 1) throw new ArgumentException($"StateDimension must be at least 1, got {StateDimension}.");
        if (PriorParameterCount < 0) throw new ArgumentException($"PriorParameterCount must be non-negative, got {PriorParameterCount}.");
        if (Components < 1) throw new ArgumentException($"Components must be at least 1, got {Components}.");
        if (ObservationDimensions.Count == 0 || ObservationDimensions.Any(d => d < 1)) throw new ArgumentException("Every observation source needs a dimension of at least 1, and there must be one source at least.");
        if (ModelDimension < 1 || Heads < 1 || ModelDimension % Heads != 0) throw new ArgumentException($"ModelDimension {ModelDimension} must be a positive multiple of Heads {Heads}.");
        if (Layers < 0 || FeedForward < 1 || EmbeddingHidden < 1) throw new ArgumentException("Layers, FeedForward and EmbeddingHidden must be positive (Layers may be 0).");
    }
}
