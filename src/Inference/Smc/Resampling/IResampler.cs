namespace Ppl.Inference.Smc;

/// <summary>
/// A resampling scheme: given normalised weights p₁..p_N, draws N ancestor indices whose offspring
/// counts satisfy E[Nᵢ] = N pᵢ. Every scheme here draws through <see cref="Rng.DrawIndex"/> when given a
/// random source other than the plain <see cref="Rng"/> (the exact enumerator is one), so running SMC
/// under <c>Enumerate.Program</c> gives the exact distribution of its output; on a plain stream it uses
/// an equivalent O(N) sampler on uniforms.
/// </summary>
public interface IResampler
{
    /// <summary>A short name for summaries.</summary>
    string Name { get; }

    /// <summary>Fills <paramref name="ancestors"/> (length N) with indices into <paramref name="normalizedWeights"/> (length N, summing to one).</summary>
    void Ancestors(ReadOnlySpan<double> normalizedWeights, Span<int> ancestors, Rng rng);
}

/// <summary>The built-in resamplers.</summary>
public static class Resamplers
{
    /// <summary>N independent categorical draws.</summary>
    public static IResampler Multinomial { get; } = new MultinomialResampler();

    /// <summary>One uniform u; positions (u + i)/N.</summary>
    public static IResampler Systematic { get; } = new SystematicResampler();

    /// <summary>Independent uniforms uᵢ; positions (i + uᵢ)/N.</summary>
    public static IResampler Stratified { get; } = new StratifiedResampler();

    /// <summary>⌊N pᵢ⌋ deterministic copies, the remainder multinomially on the residual weights.</summary>
    public static IResampler Residual { get; } = new ResidualResampler();

    /// <summary>All four, for tests and benchmarks.</summary>
    public static IReadOnlyList<IResampler> All { get; } = new[] { Multinomial, Systematic, Stratified, Residual };

    /// <summary>
    /// True when <paramref name="rng"/> is the plain stream, whose draws are known to be inverse-CDF
    /// sampling on uniforms. Any subclass may override the discrete draws (the enumerator branches on
    /// them), so it must be fed <see cref="Rng.DrawIndex"/> calls instead of raw uniforms.
    /// </summary>
    internal static bool IsPlain(Rng rng) => rng.GetType() == typeof(Rng);

    /// <summary>
    /// Inverts the CDF of <paramref name="p"/> at increasing positions produced by <paramref name="position"/>(i), i = 0..N−1.
    /// Positions are in [0, 1) and non-decreasing, so one merge pass suffices.
    /// </summary>
    internal static void InvertSorted(ReadOnlySpan<double> p, Span<int> ancestors, Func<int, double> position)
    {
        var j = 0;
        var cumulative = p[0];
        var last = LastPositive(p);
        for (var i = 0; i < ancestors.Length; i++)
        {
            var x = position(i);
            while (x >= cumulative && j < last)
            {
                j++;
                cumulative += p[j];
            }
            ancestors[i] = j;
        }
    }

    /// <summary>The last index with positive weight (rounding can leave the cumulative sum just below 1).</summary>
    internal static int LastPositive(ReadOnlySpan<double> p)
    {
        for (var i = p.Length - 1; i >= 0; i--) if (p[i] > 0) return i;
        throw new ArgumentException("All weights are zero.");
    }

    /// <summary><paramref name="output"/>.Length categorical draws from weights (not necessarily normalised).</summary>
    internal static void Categorical(ReadOnlySpan<double> weights, Span<int> output, Rng rng)
    {
        if (!IsPlain(rng))
        {
            for (var i = 0; i < output.Length; i++) output[i] = rng.DrawIndex(weights);
            return;
        }
        // Sorted uniforms from normalised exponential spacings, then one merge pass: O(N) instead of O(N²).
        var m = output.Length;
        if (m == 0) return;
        var total = 0.0;
        foreach (var w in weights) total += w;
        var sorted = new double[m];
        double s = 0;
        for (var i = 0; i < m; i++)
        {
            s += -Math.Log(rng.NextOpenDouble());
            sorted[i] = s;
        }
        s += -Math.Log(rng.NextOpenDouble());
        var scale = total / s;
        var j = 0;
        var cumulative = weights[0];
        var last = LastPositive(weights);
        for (var i = 0; i < m; i++)
        {
            var x = sorted[i] * scale;
            while (x >= cumulative && j < last)
            {
                j++;
                cumulative += weights[j];
            }
            output[i] = j;
        }
    }
}
