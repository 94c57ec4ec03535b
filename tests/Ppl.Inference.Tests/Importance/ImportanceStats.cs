namespace Ppl.Inference.Tests.Importance;

/// <summary>
/// Standard errors of importance-sampling estimates from one run's own weights, by the delta method (Owen,
/// Monte Carlo theory, methods and examples, §9.2), so that tolerances are multiples of an SE rather than
/// absolute numbers. Valid for N large enough that the weights' moments are estimated well; the tests that use
/// them draw thousands of particles.
/// </summary>
internal static class ImportanceStats
{
    /// <summary>The weights rescaled by their largest (the estimates below do not depend on the scale).</summary>
    private static double[] Scaled(IReadOnlyList<double> logWeights)
    {
        var max = logWeights.Max();
        return logWeights.Select(l => Math.Exp(l - max)).ToArray();
    }

    /// <summary>
    /// The self-normalised estimate Σ wᵢ fᵢ / Σ wᵢ and its SE √(Σ w̄ᵢ² (fᵢ − estimate)²), w̄ the normalised weights.
    /// </summary>
    public static (double Estimate, double Se) SelfNormalised(IReadOnlyList<double> logWeights, IReadOnlyList<double> f)
    {
        var w = Scaled(logWeights);
        var total = w.Sum();
        var estimate = 0.0;
        for (var i = 0; i < w.Length; i++) estimate += w[i] / total * f[i];
        var v = 0.0;
        for (var i = 0; i < w.Length; i++)
        {
            var wi = w[i] / total;
            v += wi * wi * (f[i] - estimate) * (f[i] - estimate);
        }
        return (estimate, Math.Sqrt(v));
    }

    /// <summary>log Ẑ = log mean(w) and its SE, the relative SE of the mean weight sd(w)/(√N·mean(w)).</summary>
    public static (double LogEvidence, double Se) LogEvidence(IReadOnlyList<double> logWeights)
    {
        var w = Scaled(logWeights);
        var mean = w.Average();
        var sd = Math.Sqrt(w.Sum(x => (x - mean) * (x - mean)) / (w.Length - 1));
        return (Math.Log(mean) + logWeights.Max(), sd / mean / Math.Sqrt(w.Length));
    }

    /// <summary>
    /// Kish's ESS as a fraction of N, m₁²/m₂ with m₁ = mean(w) and m₂ = mean(w²), and its SE from the sample
    /// covariance of (w, w²) and the gradient (2m₁/m₂, −m₁²/m₂²). It estimates (E w)²/E w² of the proposal.
    /// </summary>
    public static (double Fraction, double Se) EssFraction(IReadOnlyList<double> logWeights)
    {
        var w = Scaled(logWeights);
        var n = w.Length;
        var m1 = w.Average();
        var m2 = w.Average(x => x * x);
        double v11 = 0, v12 = 0, v22 = 0;
        foreach (var x in w)
        {
            var a = x - m1;
            var b = x * x - m2;
            v11 += a * a;
            v12 += a * b;
            v22 += b * b;
        }
        v11 /= n - 1;
        v12 /= n - 1;
        v22 /= n - 1;
        var g1 = 2 * m1 / m2;
        var g2 = -m1 * m1 / (m2 * m2);
        var variance = (g1 * g1 * v11 + 2 * g1 * g2 * v12 + g2 * g2 * v22) / n;
        return (m1 * m1 / m2, Math.Sqrt(variance));
    }
}
