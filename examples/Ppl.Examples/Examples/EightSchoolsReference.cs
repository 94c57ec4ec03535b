namespace Ppl.Examples;

/// <summary>
/// The exact posterior means and variances of μ, τ and θⱼ in <see cref="EightSchoolsModels.EightSchools"/>
/// (μ ~ N(0, 5²), τ ~ HalfCauchy(5), θⱼ ~ N(μ, τ²), yⱼ ~ N(θⱼ, σⱼ²)), by one-dimensional quadrature over τ in plain
/// doubles, independent of the sampler (BDA3 §5.4): given τ everything is Gaussian.
/// </summary>
/// <remarks>
/// With vⱼ = σⱼ² + τ², μ | τ, y is normal with precision P = 1/25 + Σ 1/vⱼ and mean m = (Σ yⱼ/vⱼ)/P, and
/// p(y | τ) = N(m; 0, 25) Πⱼ N(yⱼ; m, vⱼ) √(2π/P). θⱼ | μ, τ, y is normal with mean cⱼμ + dⱼ, cⱼ = σⱼ²/vⱼ,
/// dⱼ = τ²yⱼ/vⱼ, and variance σⱼ²τ²/vⱼ, so E[θⱼ | τ, y] = cⱼm + dⱼ and Var[θⱼ | τ, y] = σⱼ²τ²/vⱼ + cⱼ²/P.
/// Substituting τ = 5 tan φ turns the half-Cauchy prior into the uniform density 2/π on φ ∈ [0, π/2), so the
/// posterior of φ is proportional to p(y | τ(φ)); it vanishes like τ⁻⁸ as φ → π/2 (eight observations), which keeps
/// E[τ²] finite. Composite Simpson with 20 000 intervals on [0, π/2] integrates these smooth functions.
/// </remarks>
internal static class EightSchoolsReference
{
    /// <summary>Exact posterior (mean, variance) of μ, τ and θ₀ … θ₇, in that order.</summary>
    public static (double Mean, double Variance)[] Moments(double[] y, double[] sigma)
    {
        var j = y.Length;
        var count = 2 + j;
        const int intervals = 20_000;
        var h = Math.PI / 2 / intervals;
        double normaliser = 0;
        var first = new double[count];
        var second = new double[count];
        double? logScale = null;
        for (var i = 0; i <= intervals; i++)
        {
            // φ = π/2 (τ = ∞) carries no mass.
            if (i == intervals) continue;
            var tau = 5 * Math.Tan(i * h);
            var precision = 1.0 / 25;
            var weighted = 0.0;
            for (var k = 0; k < j; k++)
            {
                var v = sigma[k] * sigma[k] + tau * tau;
                precision += 1 / v;
                weighted += y[k] / v;
            }
            var m = weighted / precision;
            var logLik = LogNormal(m, 0, 25) + 0.5 * Math.Log(2 * Math.PI / precision);
            for (var k = 0; k < j; k++) logLik += LogNormal(y[k], m, sigma[k] * sigma[k] + tau * tau);
            // Work relative to the first point's likelihood so that nothing underflows.
            logScale ??= logLik;
            var simpson = i == 0 ? 1 : i % 2 == 1 ? 4 : 2;
            var w = simpson * Math.Exp(logLik - logScale.Value);
            normaliser += w;
            first[0] += w * m;
            second[0] += w * (m * m + 1 / precision);
            first[1] += w * tau;
            second[1] += w * tau * tau;
            for (var k = 0; k < j; k++)
            {
                var v = sigma[k] * sigma[k] + tau * tau;
                var c = sigma[k] * sigma[k] / v;
                var mean = c * m + tau * tau * y[k] / v;
                var variance = sigma[k] * sigma[k] * tau * tau / v + c * c / precision;
                first[2 + k] += w * mean;
                second[2 + k] += w * (variance + mean * mean);
            }
        }
        return Enumerable.Range(0, count).Select(k =>
        {
            var mean = first[k] / normaliser;
            return (mean, second[k] / normaliser - mean * mean);
        }).ToArray();
    }

    private static double LogNormal(double x, double mean, double variance) =>
        -0.5 * Math.Log(2 * Math.PI * variance) - 0.5 * (x - mean) * (x - mean) / variance;
}
