namespace Ppl.Inference.Smc;

/// <summary>Multinomial resampling: N independent categorical draws from the weights. Offspring counts are Multinomial(N, p).</summary>
public sealed class MultinomialResampler : IResampler
{
    /// <inheritdoc />
    public string Name => "multinomial";

    /// <inheritdoc />
    public void Ancestors(ReadOnlySpan<double> normalizedWeights, Span<int> ancestors, Rng rng) =>
        Resamplers.Categorical(normalizedWeights, ancestors, rng);
}
