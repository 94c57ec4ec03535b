namespace Ppl.Inference.Smc;

/// <summary>
/// Stratified resampling: independent uᵢ ~ U(0, 1), positions (i + uᵢ)/N, ancestors by inverting the CDF.
/// <para>
/// For enumeration each stratum's uniform is replaced by the equivalent discrete draw: the ancestor of
/// stratum [i/N, (i+1)/N) is j with probability N·|[i/N, (i+1)/N) ∩ [Cⱼ₋₁, Cⱼ)|.
/// </para>
/// </summary>
public sealed class StratifiedResampler : IResampler
{
    /// <inheritdoc />
    public string Name => "stratified";

    /// <inheritdoc />
    public void Ancestors(ReadOnlySpan<double> normalizedWeights, Span<int> ancestors, Rng rng)
    {
        var n = ancestors.Length;
        if (Resamplers.IsPlain(rng))
        {
            var u = new double[n];
            for (var i = 0; i < n; i++) u[i] = rng.NextDouble();
            Resamplers.InvertSorted(normalizedWeights, ancestors, i => (i + u[i]) / n);
            return;
        }
        var p = normalizedWeights;
        var cumulative = new double[p.Length + 1];
        for (var j = 0; j < p.Length; j++) cumulative[j + 1] = cumulative[j] + p[j];
        cumulative[p.Length] = Math.Max(cumulative[p.Length], 1.0);
        var first = 0;
        var overlap = new double[p.Length];
        for (var i = 0; i < n; i++)
        {
            double lo = (double)i / n, hi = (double)(i + 1) / n;
            while (first < p.Length - 1 && cumulative[first + 1] <= lo) first++;
            var count = 0;
            for (var j = first; j < p.Length && cumulative[j] < hi; j++)
                overlap[count++] = Math.Max(0, Math.Min(hi, cumulative[j + 1]) - Math.Max(lo, cumulative[j]));
            ancestors[i] = first + rng.DrawIndex(overlap.AsSpan(0, count));
        }
    }
}
