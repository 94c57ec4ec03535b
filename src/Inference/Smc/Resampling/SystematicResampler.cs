namespace Ppl.Inference.Smc;

/// <summary>
/// Systematic resampling: one u ~ U(0, 1), positions (u + i)/N, ancestors by inverting the CDF.
/// <para>
/// For enumeration the single uniform is replaced by an exactly equivalent discrete draw: the ancestor
/// vector is a step function of u whose jumps are at frac(N·Cⱼ) (Cⱼ the cumulative weights), so we draw
/// which of those intervals u falls in, with probability its length, and evaluate at its midpoint.
/// </para>
/// </summary>
public sealed class SystematicResampler : IResampler
{
    /// <inheritdoc />
    public string Name => "systematic";

    /// <inheritdoc />
    public void Ancestors(ReadOnlySpan<double> normalizedWeights, Span<int> ancestors, Rng rng)
    {
        var n = ancestors.Length;
        var u = Resamplers.IsPlain(rng) ? rng.NextDouble() : DiscreteU(normalizedWeights, n, rng);
        Resamplers.InvertSorted(normalizedWeights, ancestors, i => (u + i) / n);
    }

    private static double DiscreteU(ReadOnlySpan<double> p, int n, Rng rng)
    {
        var cuts = new List<double> { 0.0, 1.0 };
        double c = 0;
        for (var j = 0; j < p.Length - 1; j++)
        {
            c += p[j];
            var f = n * c - Math.Floor(n * c);
            cuts.Add(f);
        }
        cuts.Sort();
        var lengths = new double[cuts.Count - 1];
        for (var k = 0; k < lengths.Length; k++) lengths[k] = cuts[k + 1] - cuts[k];
        var chosen = rng.DrawIndex(lengths);
        return 0.5 * (cuts[chosen] + cuts[chosen + 1]);
    }
}
