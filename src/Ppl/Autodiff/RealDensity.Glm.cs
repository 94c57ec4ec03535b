using System.Runtime.Intrinsics;
using MathNet.Numerics;

namespace Ppl.Autodiff;

// Fused generalised linear models (Stan's normal_id_glm, poisson_log_glm, neg_binomial_2_log_glm) and the vectorised
// normal with parameter location and scale: each evaluates every row in plain doubles and records one operation whose
// partials are the analytic ones, so the tape cost does not grow with the number of rows.
public static partial class RealDensity
{
    [ThreadStatic]
    private static double[]? t_glmPartials;

    [ThreadStatic]
    private static Real[]? t_glmParents;

    [ThreadStatic]
    private static double[]? t_vecPartials;

    [ThreadStatic]
    private static Real[]? t_vecParents;

    private static readonly double[] LogFactorials = BuildLogFactorials(1024);

    private static double[] BuildLogFactorials(int size)
    {
        var t = new double[size];
        for (var k = 2; k < size; k++) t[k] = t[k - 1] + Math.Log(k);
        return t;
    }

    private static double LogFactorial(int k) => k < LogFactorials.Length ? LogFactorials[k] : SpecialFunctions.GammaLn(k + 1.0);

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
        NormalIdGlm(y, new Design(xColumnMajor, null, y.Length, beta.Length, nameof(NormalIdGlm)), alpha, beta, sigma);

    /// <summary>The normal linear regression log-likelihood with the predictors given row by row (<paramref name="xRows"/>[i] is row i).</summary>
    /// <param name="y">The outcomes, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="sigma">The residual scale.</param>
    public static Real NormalIdGlm(ReadOnlySpan<double> y, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta, Real sigma) =>
        NormalIdGlm(y, new Design(default, xRows, y.Length, beta.Length, nameof(NormalIdGlm)), alpha, beta, sigma);

    private static Real NormalIdGlm(ReadOnlySpan<double> y, in Design x, Real alpha, ReadOnlySpan<Real> beta, Real sigma)
    {
        var n = y.Length;
        var eta = x.Predictor(alpha, beta);
        // r = y − η in place.
        for (var i = 0; i < n; i++) eta[i] = y[i] - eta[i];
        var s = sigma.Value;
        var inv2 = 1 / (s * s);
        var ss = Dot(eta, eta);
        var value = s > 0 ? -0.5 * ss * inv2 - n * (Math.Log(s) + HalfLog2Pi) : double.NaN;
        return x.Finish(value, eta, inv2, alpha, beta, sigma, (ss * inv2 - n) / s, hasExtra: true);
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
        PoissonLogGlm(counts, new Design(xColumnMajor, null, counts.Length, beta.Length, nameof(PoissonLogGlm)), alpha, beta);

    /// <summary>The Poisson regression log-likelihood with the predictors given row by row.</summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real PoissonLogGlm(ReadOnlySpan<int> counts, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta) =>
        PoissonLogGlm(counts, new Design(default, xRows, counts.Length, beta.Length, nameof(PoissonLogGlm)), alpha, beta);

    private static Real PoissonLogGlm(ReadOnlySpan<int> counts, in Design x, Real alpha, ReadOnlySpan<Real> beta)
    {
        var n = counts.Length;
        var eta = x.Predictor(alpha, beta);
        double value = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // exp(η) vectorised; the rest per row.
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var h = Vector256.Create(eta.Slice(i, Vector256<double>.Count));
                var e = Vector256.Exp(h);
                for (var k = 0; k < Vector256<double>.Count; k++)
                {
                    var c = counts[i + k];
                    if (c < 0) return double.NegativeInfinity;
                    value += c * h[k] - e[k] - LogFactorial(c);
                    eta[i + k] = c - e[k];
                }
            }
        }
        for (; i < n; i++)
        {
            var c = counts[i];
            if (c < 0) return double.NegativeInfinity;
            var e = Math.Exp(eta[i]);
            value += c * eta[i] - e - LogFactorial(c);
            eta[i] = c - e;
        }
        return x.Finish(value, eta, 1.0, alpha, beta, default, 0, hasExtra: false);
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
        NegBinomial2LogGlm(counts, new Design(xColumnMajor, null, counts.Length, beta.Length, nameof(NegBinomial2LogGlm)), alpha, beta, phi);

    /// <summary>The negative-binomial regression log-likelihood with the predictors given row by row.</summary>
    /// <param name="counts">The counts, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    /// <param name="phi">The precision φ &gt; 0.</param>
    public static Real NegBinomial2LogGlm(ReadOnlySpan<int> counts, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta, Real phi) =>
        NegBinomial2LogGlm(counts, new Design(default, xRows, counts.Length, beta.Length, nameof(NegBinomial2LogGlm)), alpha, beta, phi);

    private static Real NegBinomial2LogGlm(ReadOnlySpan<int> counts, in Design x, Real alpha, ReadOnlySpan<Real> beta, Real phi)
    {
        var n = counts.Length;
        var f = phi.Value;
        if (!(f > 0)) return double.NaN;
        var eta = x.Predictor(alpha, beta);
        var logPhi = Math.Log(f);
        var lgPhi = SpecialFunctions.GammaLn(f);
        var psiPhi = SpecialFunctions.DiGamma(f);
        // log Γ(k + φ) − log Γ(φ) and ψ(k + φ) − ψ(φ) for the small counts, computed once per distinct count.
        const int cached = 64;
        Span<double> lgCache = stackalloc double[cached];
        Span<double> psiCache = stackalloc double[cached];
        lgCache.Fill(double.NaN);
        double value = 0, dPhi = 0;
        for (var i = 0; i < n; i++)
        {
            var k = counts[i];
            if (k < 0) return double.NegativeInfinity;
            double lg, psi;
            if (k < cached)
            {
                if (double.IsNaN(lgCache[k]))
                {
                    lgCache[k] = k == 0 ? 0 : SpecialFunctions.GammaLn(k + f) - lgPhi;
                    psiCache[k] = k == 0 ? 0 : SpecialFunctions.DiGamma(k + f) - psiPhi;
                }
                lg = lgCache[k];
                psi = psiCache[k];
            }
            else
            {
                lg = SpecialFunctions.GammaLn(k + f) - lgPhi;
                psi = SpecialFunctions.DiGamma(k + f) - psiPhi;
            }
            var h = eta[i];
            // lse = log(e^η + φ); w = φ/(μ + φ) = e^{log φ − lse}.
            var lse = MathUtil.LogAddExp(h, logPhi);
            var w = Math.Exp(logPhi - lse);
            value += lg - LogFactorial(k) + k * h + f * logPhi - (k + f) * lse;
            eta[i] = k - (k + f) * Math.Exp(h - lse);
            dPhi += psi + 1 + logPhi - lse - (k + f) * w / f;
        }
        return x.Finish(value, eta, 1.0, alpha, beta, phi, dPhi, hasExtra: true);
    }

    /// <summary>
    /// The logistic-regression log-likelihood with the predictors given row by row (<paramref name="xRows"/>[i] is row i);
    /// see <see cref="BernoulliLogitGlm(ReadOnlySpan{double}, ReadOnlySpan{double}, Real, ReadOnlySpan{Real})"/>.
    /// </summary>
    /// <param name="y">The outcomes as 0 or 1, one per row.</param>
    /// <param name="xRows">The predictors, one array of <paramref name="beta"/>.Length per row.</param>
    /// <param name="alpha">The intercept.</param>
    /// <param name="beta">The coefficients, one per column.</param>
    public static Real BernoulliLogitGlm(ReadOnlySpan<double> y, double[][] xRows, Real alpha, ReadOnlySpan<Real> beta)
    {
        var x = new Design(default, xRows, y.Length, beta.Length, nameof(BernoulliLogitGlm));
        var eta = x.Predictor(alpha, beta);
        var value = LogLikelihoodAndResiduals(y, eta);
        return x.Finish(value, eta, 1.0, alpha, beta, default, 0, hasExtra: false);
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
    /// <paramref name="sigmas"/> the shared <paramref name="sigma"/>. The shared parameters come first among the parents.
    /// </summary>
    private static Real NormalVector(ReadOnlySpan<double> y, ReadOnlySpan<Real> mus, Real mu, ReadOnlySpan<Real> sigmas, Real sigma)
    {
        var n = y.Length;
        var muShared = mus.IsEmpty && n > 0;
        var sigmaShared = sigmas.IsEmpty && n > 0;
        var count = (muShared ? 1 : n) + (sigmaShared ? 1 : n);
        var partials = t_vecPartials is { } tp && tp.Length >= count ? tp : t_vecPartials = new double[Math.Max(count, 64)];
        var parents = t_vecParents is { } tq && tq.Length >= count ? tq : t_vecParents = new Real[Math.Max(count, 64)];
        var muAt = 0;
        var sigmaAt = muShared ? 1 : n;
        if (muShared) parents[0] = mu;
        else mus.CopyTo(parents);
        if (sigmaShared) parents[sigmaAt] = sigma;
        else sigmas.CopyTo(parents.AsSpan(sigmaAt));
        partials.AsSpan(0, count).Clear();
        double value = 0;
        var bad = false;
        for (var i = 0; i < n; i++)
        {
            var s = sigmaShared ? sigma.Value : sigmas[i].Value;
            bad |= !(s > 0);
            var inv = 1 / s;
            var z = (y[i] - (muShared ? mu.Value : mus[i].Value)) * inv;
            value += -0.5 * z * z - Math.Log(s);
            partials[muAt + (muShared ? 0 : i)] += z * inv;
            partials[sigmaAt + (sigmaShared ? 0 : i)] += (z * z - 1) * inv;
        }
        value = bad ? double.NaN : value - n * HalfLog2Pi;
        return Real.FromPartials(value, parents.AsSpan(0, count), partials.AsSpan(0, count));
    }

    /// <summary>A design matrix in either layout, and the two passes a GLM makes over it.</summary>
    /// <summary>η = α + X b for X given row by row (checked to be n × d by <see cref="Design"/>).</summary>
    /// <remarks>
    /// Why not a <see cref="Dot"/> per row: with a few dozen columns a row is a handful of vectors, and slicing two spans
    /// per vector cost more than the arithmetic (3× the column-major form on 5,000 × 25). Here b stays in vectors on the
    /// stack and each row is read with unchecked loads.
    /// </remarks>
    private static void RowsTimes(double[][] rows, ReadOnlySpan<double> b, double alpha, Span<double> eta)
    {
        var d = b.Length;
        var width = Vector256<double>.Count;
        var full = Vector256.IsHardwareAccelerated && d <= 64 ? d / width : 0;
        Span<Vector256<double>> bv = stackalloc Vector256<double>[16];
        for (var k = 0; k < full; k++) bv[k] = Vector256.Create(b.Slice(k * width, width));
        for (var i = 0; i < rows.Length; i++)
        {
            ref var r = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(rows[i]);
            var acc = Vector256<double>.Zero;
            for (var k = 0; k < full; k++) acc += Vector256.LoadUnsafe(ref r, (nuint)(k * width)) * bv[k];
            var sum = full > 0 ? Vector256.Sum(acc) : 0.0;
            for (var j = full * width; j < d; j++) sum += System.Runtime.CompilerServices.Unsafe.Add(ref r, j) * b[j];
            eta[i] = alpha + sum;
        }
    }

    /// <summary>p = Xᵀ g for X given row by row: the accumulators stay in vectors on the stack over all rows.</summary>
    private static void RowsTransposedTimes(double[][] rows, ReadOnlySpan<double> g, Span<double> p)
    {
        var d = p.Length;
        var width = Vector256<double>.Count;
        var full = Vector256.IsHardwareAccelerated && d <= 64 ? d / width : 0;
        Span<Vector256<double>> acc = stackalloc Vector256<double>[16];
        acc.Clear();
        p.Clear();
        for (var i = 0; i < rows.Length; i++)
        {
            ref var r = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(rows[i]);
            var gi = g[i];
            var gv = Vector256.Create(gi);
            for (var k = 0; k < full; k++) acc[k] += gv * Vector256.LoadUnsafe(ref r, (nuint)(k * width));
            for (var j = full * width; j < d; j++) p[j] += gi * System.Runtime.CompilerServices.Unsafe.Add(ref r, j);
        }
        for (var k = 0; k < full; k++) acc[k].CopyTo(p.Slice(k * width, width));
    }

    private readonly ref struct Design
    {
        private readonly ReadOnlySpan<double> _columns;
        private readonly double[][]? _rows;
        private readonly int _n, _d;

        public Design(ReadOnlySpan<double> columns, double[][]? rows, int n, int d, string caller)
        {
            _columns = columns;
            _rows = rows;
            _n = n;
            _d = d;
            if (rows is null)
            {
                if (columns.Length != n * d)
                    throw new ArgumentException($"{caller}: x has {columns.Length} entries; {n} rows of {d} columns need {n * d}.", "xColumnMajor");
            }
            else
            {
                if (rows.Length != n)
                    throw new ArgumentException($"{caller}: x has {rows.Length} rows; the outcomes have {n}.", "xRows");
                for (var i = 0; i < n; i++)
                    if (rows[i] is null || rows[i].Length != d)
                        throw new ArgumentException($"{caller}: row {i} of x has {rows[i]?.Length ?? 0} entries; {d} coefficients need {d}.", "xRows");
            }
        }

        /// <summary>η = α + X β in this thread's row buffer.</summary>
        public Span<double> Predictor(Real alpha, ReadOnlySpan<Real> beta)
        {
            var buffer = t_rows;
            if (buffer is null || buffer.Length < _n) t_rows = buffer = new double[Math.Max(_n, 64)];
            var eta = buffer.AsSpan(0, _n);
            if (_rows is null)
            {
                eta.Fill(alpha.Value);
                for (var j = 0; j < _d; j++) Axpy(beta[j].Value, _columns.Slice(j * _n, _n), eta);
            }
            else
            {
                Span<double> b = _d <= 256 ? stackalloc double[_d] : new double[_d];
                for (var j = 0; j < _d; j++) b[j] = beta[j].Value;
                RowsTimes(_rows, b, alpha.Value, eta);
            }
            return eta;
        }

        /// <summary>
        /// Records the operation: ∂/∂α = scale·Σ gᵢ, ∂/∂βⱼ = scale·Σ xᵢⱼ gᵢ for the per-row derivatives <paramref name="g"/>
        /// towards η, plus <paramref name="extra"/> with its partial when <paramref name="hasExtra"/>.
        /// </summary>
        public Real Finish(double value, ReadOnlySpan<double> g, double scale, Real alpha, ReadOnlySpan<Real> beta, Real extra, double extraPartial, bool hasExtra)
        {
            var count = _d + (hasExtra ? 2 : 1);
            var partials = t_glmPartials is { } tp && tp.Length >= count ? tp : t_glmPartials = new double[Math.Max(count, 64)];
            var parents = t_glmParents is { } tq && tq.Length >= count ? tq : t_glmParents = new Real[Math.Max(count, 64)];
            parents[0] = alpha;
            partials[0] = scale * Sum(g);
            beta.CopyTo(parents.AsSpan(1));
            if (_rows is null)
                for (var j = 0; j < _d; j++) partials[j + 1] = scale * Dot(_columns.Slice(j * _n, _n), g);
            else
            {
                var p = partials.AsSpan(1, _d);
                RowsTransposedTimes(_rows, g, p);
                for (var j = 0; j < _d; j++) p[j] *= scale;
            }
            if (hasExtra)
            {
                parents[_d + 1] = extra;
                partials[_d + 1] = extraPartial;
            }
            return Real.FromPartials(value, parents.AsSpan(0, count), partials.AsSpan(0, count));
        }
    }
}
