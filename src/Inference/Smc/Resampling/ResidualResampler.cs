namespace Ppl.Inference.Smc;

/// <summary>
/// Residual resampling: particle i gets ⌊N pᵢ⌋ offspring deterministically, and the R = N − Σ⌊N pᵢ⌋
/// remaining ones are drawn multinomially with probabilities ∝ N pᵢ − ⌊N pᵢ⌋, so E[Nᵢ] = N pᵢ.
/// </summary>
public sealed class ResidualResampler : IResampler
{
    /// <inheritdoc />
    public string Name => "residual";

    /// <inheritdoc />
    public void Ancestors(ReadOnlySpan<double> normalizedWeights, Span<int> ancestors, Rng rng)
    {
        var n = ancestors.Length;
        var residual = new double[normalizedWeights.Length];
        var k = 0;
        for (var j = 0; j < normalizedWeights.Length; j++)
        {
            var expected = n * normalizedWeights[j];
            var copies = (int)Math.Floor(expected);
            if (k + copies > n) copies = n - k; // rounding can push Σ⌊N pⱼ⌋ past N by one
            for (var c = 0; c < copies; c++) ancestors[k++] = j;
            residual[j] = Math.Max(0, expected - copies);
        }
        if (k < n)
        {
            if (residual.Sum() <= 0) residual = normalizedWeights.ToArray(); // rounding only; fall back to p
            Resamplers.Categorical(residual, ancestors[k..], rng);
        }
    }
}
