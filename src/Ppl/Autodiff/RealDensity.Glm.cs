using System.Runtime.Intrinsics;
using MathNet.Numerics;

namespace Ppl.Autodiff;

// Fused generalised linear models (Stan's normal_id_glm, poisson_log_glm, neg_binomial_2_log_glm) and the vectorised
// normal with parameter location and scale: each evaluates every row in plain doubles and records one operation whose
// partials are the analytic ones, so the tape cost does not grow with the number of rows.
public static partial class RealDensity
{
    private static readonly double[] LogFactorials = BuildLogFactorials(1024);

    private static double[] BuildLogFactorials(int size)
    {
        var t = new double[size];
        for (var k = 2; k < size; k++) t[k] = t[k - 1] + Math.Log(k);
        return t;
    }

    internal static double LogFactorial(int k) => k < LogFactorials.Length ? LogFactorials[k] : SpecialFunctions.GammaLn(k + 1.0);

    /// <summary>
    /// The normal linear regression log-likelihood Σᵢ log N(yᵢ; α + xᵢ·β, σ²) over constant data, as one operation
    /// (Stan's <c>normal_id_glm</c>). With rᵢ = yᵢ − ηᵢ: ∂/∂α = Σ rᵢ/σ², ∂/∂βⱼ = Σ xᵢⱼ rᵢ/σ², ∂/∂σ = (Σ rᵢ²/σ² − n)/σ.
    /// NaN when σ ≤ 0.
    /// </summary>
    /// <param name="y">The outcomes, one per row.</param>
    /// <param name="xColumnMajor">The predictors column by column, as for <see cref="BernoulliLogitGlm(ReadOnlySpan{double}, ReadOnlySpan{double}, Real, ReadOnlySpan{Real})"/>.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="sigma">The residual scale.</param>
    public static Real NormalIdGlm(ReadOnlySpan<double> y, ReadOnlySpan<double> xColumnMajor, Real alpha, ReadOnlySpan<Real> beta, Real sigma) =>
        NormalIdGlm(y, new GlmKernel(xColumnMajor, null, y.Length, beta.Length, nameof(NormalIdGlm)), alpha, beta, sigma);

    /// <summary>The normal linear regression log-likelihood with the predictors given row by row (<paramref name="xRows"/>[i] is row i).</summary>
    /// <param name="y">The outcomes, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="sigma">The residual scale.</param>
    public static Real NormalIdGlm(ReadOnlySpan<double> y, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta, Real sigma) =>
        NormalIdGlm(y, new GlmKernel(default, xRows, y.Length, beta.Length, nameof(NormalIdGlm)), alpha, beta, sigma);

    private static Real NormalIdGlm(ReadOnlySpan<double> y, in GlmKernel x, Real alpha, ReadOnlySpan<Real> beta, Real sigma)
    {
        var n = y.Length;
        var link = new NormalIdLink(y);
        x.Pass(ref link, alpha, beta);
        var s = sigma.Value;
        var inv2 = 1 / (s * s);
        var ss = link.SumOfSquares;
        var value = s > 0 ? -0.5 * ss * inv2 - n * (Math.Log(s) + HalfLog2Pi) : double.NaN;
        return x.Record(value, inv2, alpha, beta, sigma, (ss * inv2 - n) / s, hasExtra: true);
    }

    /// <summary>
    /// The Poisson regression log-likelihood Σᵢ log Poisson(kᵢ; exp(α + xᵢ·β)) over constant data, as one operation
    /// (Stan's <c>poisson_log_glm</c>): ∂/∂ηᵢ = kᵢ − exp(ηᵢ). −∞ when a count is negative.
    /// </summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xColumnMajor">The predictors column by column.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real PoissonLogGlm(ReadOnlySpan<int> counts, ReadOnlySpan<double> xColumnMajor, Real alpha, ReadOnlySpan<Real> beta) =>
        PoissonLogGlm(counts, new GlmKernel(xColumnMajor, null, counts.Length, beta.Length, nameof(PoissonLogGlm)), alpha, beta);

    /// <summary>The Poisson regression log-likelihood with the predictors given row by row.</summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real PoissonLogGlm(ReadOnlySpan<int> counts, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta) =>
        PoissonLogGlm(counts, new GlmKernel(default, xRows, counts.Length, beta.Length, nameof(PoissonLogGlm)), alpha, beta);

    private static Real PoissonLogGlm(ReadOnlySpan<int> counts, in GlmKernel x, Real alpha, ReadOnlySpan<Real> beta)
    {
        var link = new PoissonLogLink(counts);
        x.Pass(ref link, alpha, beta);
        var value = link.Value;
        return double.IsNegativeInfinity(value) ? value : x.Record(value, 1.0, alpha, beta, default, 0, hasExtra: false);
    }

    /// <summary>
    /// The negative-binomial regression log-likelihood Σᵢ log NB2(kᵢ; μᵢ = exp(α + xᵢ·β), φ) over constant data, as
    /// one operation (Stan's <c>neg_binomial_2_log_glm</c>): mean μ, variance μ + μ²/φ, so that
    /// log p = log Γ(k + φ) − log Γ(φ) − log k! + k η + φ log φ − (k + φ) log(e^η + φ). ∂/∂ηᵢ = kᵢ − (kᵢ + φ) μᵢ/(μᵢ + φ);
    /// ∂/∂φ = Σ ψ(kᵢ + φ) − ψ(φ) + 1 + log φ − log(μᵢ + φ) − (kᵢ + φ)/(μᵢ + φ). −∞ when a count is negative, NaN when φ ≤ 0.
    /// </summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xColumnMajor">The predictors column by column.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="phi">The precision (inverse overdispersion) φ &gt; 0.</param>
    public static Real NegBinomial2LogGlm(ReadOnlySpan<int> counts, ReadOnlySpan<double> xColumnMajor, Real alpha, ReadOnlySpan<Real> beta, Real phi) =>
        NegBinomial2LogGlm(counts, new GlmKernel(xColumnMajor, null, counts.Length, beta.Length, nameof(NegBinomial2LogGlm)), alpha, beta, phi);

    /// <summary>The negative-binomial regression log-likelihood with the predictors given row by row.</summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="phi">The precision φ &gt; 0.</param>
    public static Real NegBinomial2LogGlm(ReadOnlySpan<int> counts, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta, Real phi) =>
        NegBinomial2LogGlm(counts, new GlmKernel(default, xRows, counts.Length, beta.Length, nameof(NegBinomial2LogGlm)), alpha, beta, phi);

    private static Real NegBinomial2LogGlm(ReadOnlySpan<int> counts, in GlmKernel x, Real alpha, ReadOnlySpan<Real> beta, Real phi)
    {
        var f = phi.Value;
        if (!(f > 0)) return double.NaN;
        var link = new NegBinomial2LogLink(counts, f, stackalloc double[NegBinomial2LogLink.CacheSize]);
        x.Pass(ref link, alpha, beta);
        var value = link.Value;
        return double.IsNegativeInfinity(value) ? value : x.Record(value, 1.0, alpha, beta, phi, link.PhiPartial, hasExtra: true);
    }

    /// <summary>
    /// The logistic-regression log-likelihood with the predictors given row by row (<paramref name="xRows"/>[i] is row i);
    /// see <see cref="BernoulliLogitGlm(ReadOnlySpan{double}, ReadOnlySpan{double}, Real, ReadOnlySpan{Real})"/>.
    /// </summary>
    /// <param name="y">The outcomes as 0 or 1, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real BernoulliLogitGlm(ReadOnlySpan<double> y, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta) =>
        BernoulliLogitGlm(y, new GlmKernel(default, xRows, y.Length, beta.Length, nameof(BernoulliLogitGlm)), alpha, beta);

    private static Real BernoulliLogitGlm(ReadOnlySpan<double> y, in GlmKernel x, Real alpha, ReadOnlySpan<Real> beta)
    {
        var link = new BernoulliLogitLink(y);
        x.Pass(ref link, alpha, beta);
        return x.Record(link.Value, 1.0, alpha, beta, default, 0, hasExtra: false);
    }

    /// <summary>
    /// Σᵢ log N(yᵢ; μᵢ, σᵢ²) over constant observations with a location and a scale per observation, as one operation
    /// (Stan's vectorised <c>normal</c>): ∂/∂μᵢ = zᵢ/σᵢ, ∂/∂σᵢ = (zᵢ² − 1)/σᵢ with zᵢ = (yᵢ − μᵢ)/σᵢ. NaN when a scale is not positive.
    /// </summary>
    public static Real Normal(ReadOnlySpan<double> y, ReadOnlySpan<Real> mu, ReadOnlySpan<Real> sigma)
    {
        if (mu.Length != y.Length || sigma.Length != y.Length)
            throw new ArgumentException($"Normal: {y.Length} observations need as many locations and scales; got {mu.Length} and {sigma.Length}.");
        return NormalVector(y, mu, default, sigma, default);
    }

    /// <summary>Σᵢ log N(yᵢ; μᵢ, σ²): a location per observation and one shared scale, as one operation.</summary>
    public static Real Normal(ReadOnlySpan<double> y, ReadOnlySpan<Real> mu, Real sigma)
    {
        if (mu.Length != y.Length)
            throw new ArgumentException($"Normal: {y.Length} observations need as many locations; got {mu.Length}.");
        return NormalVector(y, mu, default, default, sigma);
    }

    /// <summary>Σᵢ log N(yᵢ; μ, σᵢ²): one shared location and a scale per observation, as one operation.</summary>
    public static Real Normal(ReadOnlySpan<double> y, Real mu, ReadOnlySpan<Real> sigma)
    {
        if (sigma.Length != y.Length)
            throw new ArgumentException($"Normal: {y.Length} observations need as many scales; got {sigma.Length}.");
        return NormalVector(y, default, mu, sigma, default);
    }

    /// <summary>
    /// The vectorised normal: an empty <paramref name="mus"/> means the shared <paramref name="mu"/>, an empty
    /// <paramref name="sigmas"/> the shared <paramref name="sigma"/>. The partials go straight onto the tape as they are
    /// computed (<see cref="PartialsChain"/>), with no copy of the parents.
    /// </summary>
    private static Real NormalVector(ReadOnlySpan<double> y, ReadOnlySpan<Real> mus, Real mu, ReadOnlySpan<Real> sigmas, Real sigma)
    {
        var n = y.Length;
        var chain = new PartialsChain();
        if (sigmas.IsEmpty)
        {
            // One scale: its logarithm and reciprocal once, and its partial (Σ zᵢ² − n)/σ summed.
            var s = sigma.Value;
            if (!(s > 0) && n > 0) return double.NaN;
            var inv = 1 / s;
            double squares = 0;
            if (mus.IsEmpty)
            {
                double sum = 0;
                for (var i = 0; i < n; i++)
                {
                    var z = (y[i] - mu.Value) * inv;
                    squares += z * z;
                    sum += z;
                }
                chain.Add(mu, sum * inv);
            }
            else
                for (var i = 0; i < n; i++)
                {
                    var z = (y[i] - mus[i].Value) * inv;
                    squares += z * z;
                    chain.Add(mus[i], z * inv);
                }
            chain.Add(sigma, (squares - n) * inv);
            return chain.Finish(n == 0 ? 0 : -0.5 * squares - n * (Math.Log(s) + HalfLog2Pi));
        }
        // A scale per observation (the location shared or not); the shared location's partial is summed first.
        double value = 0, muPartial = 0;
        var bad = false;
        for (var i = 0; i < n; i++)
        {
            var si = sigmas[i].Value;
            bad |= !(si > 0);
            var inv = 1 / si;
            var z = (y[i] - (mus.IsEmpty ? mu.Value : mus[i].Value)) * inv;
            value += -0.5 * z * z - Math.Log(si);
            if (mus.IsEmpty) muPartial += z * inv;
            else chain.Add(mus[i], z * inv);
            chain.Add(sigmas[i], (z * z - 1) * inv);
        }
        if (mus.IsEmpty) chain.Add(mu, muPartial);
        return bad ? double.NaN : chain.Finish(value - n * HalfLog2Pi);
    }
}
