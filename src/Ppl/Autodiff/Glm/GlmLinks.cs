using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MathNet.Numerics;

namespace Ppl.Autodiff;

/// <summary>
/// The per-row part of a fused generalised linear model: turns the linear predictor ηᵢ of row i into the derivative of
/// the row's log-likelihood with respect to ηᵢ, accumulating whatever the model needs for its value (and for the
/// partials of parameters other than α and β) in its own fields. <see cref="GlmKernel"/> calls it once per row, four
/// rows at a time where it can, in row order; it never sees the design matrix.
/// </summary>
/// <remarks>
/// Why an interface over ref structs rather than a delegate: the design's loops are generic over the link, so each
/// link's arithmetic is inlined into the single pass over the rows, and a link can hold the observations as spans.
/// </remarks>
internal interface IGlmLink
{
    /// <summary>∂ log p(yᵢ | ηᵢ)/∂ηᵢ for row <paramref name="i"/>, accumulating the row's contribution.</summary>
    double Apply(int i, double eta);

    /// <summary>The same for rows <paramref name="i"/> … <paramref name="i"/> + 3 at once.</summary>
    Vector256<double> Apply4(int i, Vector256<double> eta);
}

/// <summary>Normal identity link: ∂/∂ηᵢ = yᵢ − ηᵢ before the 1/σ² scale; accumulates Σ (yᵢ − ηᵢ)².</summary>
internal ref struct NormalIdLink(ReadOnlySpan<double> y) : IGlmLink
{
    private readonly ReadOnlySpan<double> _y = y;
    private Vector256<double> _squares4;
    private double _squares;

    /// <summary>Σᵢ (yᵢ − ηᵢ)² over the rows seen.</summary>
    public readonly double SumOfSquares => _squares + Vector256.Sum(_squares4);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Apply(int i, double eta)
    {
        var r = _y[i] - eta;
        _squares += r * r;
        return r;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Apply4(int i, Vector256<double> eta)
    {
        var r = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(_y), (nuint)i) - eta;
        _squares4 += r * r;
        return r;
    }
}

/// <summary>
/// Bernoulli logit link: log p = y η − softplus(η), ∂/∂η = y − σ(η). With e = exp(−|η|), softplus(η) = max(η, 0) +
/// log(1 + e) and σ(η) = 1/(1 + e) or e/(1 + e), which neither overflows nor loses the small tail.
/// </summary>
internal ref struct BernoulliLogitLink(ReadOnlySpan<double> y) : IGlmLink
{
    private readonly ReadOnlySpan<double> _y = y;
    private Vector256<double> _value4;
    private double _value;

    /// <summary>Σᵢ log p(yᵢ | ηᵢ) over the rows seen.</summary>
    public readonly double Value => _value + Vector256.Sum(_value4);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Apply(int i, double eta)
    {
        var e = Math.Exp(-Math.Abs(eta));
        _value += _y[i] * eta - (Math.Max(eta, 0) + MathUtil.Log1p(e));
        return _y[i] - (eta >= 0 ? 1.0 : e) / (1.0 + e);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Apply4(int i, Vector256<double> eta)
    {
        var y = Vector256.Create(_y.Slice(i, Vector256<double>.Count));
        var one = Vector256<double>.One;
        var e = Vector256.Exp(-Vector256.Abs(eta));
        var onePlus = one + e;
        _value4 += y * eta - (Vector256.Max(eta, Vector256<double>.Zero) + Vector256.Log(onePlus));
        return y - Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(eta, Vector256<double>.Zero), one, e) / onePlus;
    }
}

/// <summary>Poisson log link: log p = k η − e^η − log k!, ∂/∂η = k − e^η. A negative count makes the value −∞.</summary>
internal ref struct PoissonLogLink(ReadOnlySpan<int> counts) : IGlmLink
{
    private readonly ReadOnlySpan<int> _counts = counts;
    private double _value;
    private bool _negative;

    /// <summary>Σᵢ log p(kᵢ | ηᵢ) over the rows seen; −∞ once a count was negative.</summary>
    public readonly double Value => _negative ? double.NegativeInfinity : _value;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Apply(int i, double eta)
    {
        var c = _counts[i];
        _negative |= c < 0;
        var e = Math.Exp(eta);
        _value += c * eta - e - RealDensity.LogFactorial(Math.Max(c, 0));
        return c - e;
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Apply4(int i, Vector256<double> eta)
    {
        // exp(η) vectorised; the counts and log-factorials row by row.
        var e = Vector256.Exp(eta);
        Span<double> g = stackalloc double[Vector256<double>.Count];
        for (var k = 0; k < Vector256<double>.Count; k++)
        {
            var c = _counts[i + k];
            _negative |= c < 0;
            _value += c * eta[k] - e[k] - RealDensity.LogFactorial(Math.Max(c, 0));
            g[k] = c - e[k];
        }
        return Vector256.Create((ReadOnlySpan<double>)g);
    }
}

/// <summary>
/// Negative-binomial log link with precision φ (mean μ = e^η, variance μ + μ²/φ):
/// log p = log Γ(k + φ) − log Γ(φ) − log k! + k η + φ log φ − (k + φ) log(e^η + φ), ∂/∂η = k − (k + φ) μ/(μ + φ);
/// accumulates ∂/∂φ = Σ ψ(k + φ) − ψ(φ) + 1 + log φ − log(μ + φ) − (k + φ)/(μ + φ). A negative count makes the value −∞.
/// </summary>
internal ref struct NegBinomial2LogLink : IGlmLink
{
    // log Γ(k + φ) − log Γ(φ) and ψ(k + φ) − ψ(φ) for the small counts, computed once per distinct count.
    private const int Cached = 64;
    private readonly ReadOnlySpan<int> _counts;
    private readonly double _phi, _logPhi, _lgPhi, _psiPhi;
    private readonly Span<double> _lgCache, _psiCache;
    private double _value, _dPhi;
    private bool _negative;

    /// <summary>A link for precision <paramref name="phi"/> &gt; 0; <paramref name="cache"/> holds 2 × 64 doubles.</summary>
    public NegBinomial2LogLink(ReadOnlySpan<int> counts, double phi, Span<double> cache)
    {
        _counts = counts;
        _phi = phi;
        _logPhi = Math.Log(phi);
        _lgPhi = SpecialFunctions.GammaLn(phi);
        _psiPhi = SpecialFunctions.DiGamma(phi);
        _lgCache = cache[..Cached];
        _psiCache = cache.Slice(Cached, Cached);
        _lgCache.Fill(double.NaN);
    }

    /// <summary>The number of doubles the caller's cache must hold.</summary>
    public const int CacheSize = 2 * Cached;

    /// <summary>Σᵢ log p(kᵢ | ηᵢ) over the rows seen; −∞ once a count was negative.</summary>
    public readonly double Value => _negative ? double.NegativeInfinity : _value;

    /// <summary>∂/∂φ of the rows seen.</summary>
    public readonly double PhiPartial => _dPhi;

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Apply(int i, double eta)
    {
        var k = _counts[i];
        if (k < 0)
        {
            _negative = true;
            return 0;
        }
        double lg, psi;
        if (k < Cached)
        {
            if (double.IsNaN(_lgCache[k]))
            {
                _lgCache[k] = k == 0 ? 0 : SpecialFunctions.GammaLn(k + _phi) - _lgPhi;
                _psiCache[k] = k == 0 ? 0 : SpecialFunctions.DiGamma(k + _phi) - _psiPhi;
            }
            lg = _lgCache[k];
            psi = _psiCache[k];
        }
        else
        {
            lg = SpecialFunctions.GammaLn(k + _phi) - _lgPhi;
            psi = SpecialFunctions.DiGamma(k + _phi) - _psiPhi;
        }
        // lse = log(e^η + φ); w = φ/(μ + φ) = e^{log φ − lse}.
        var lse = MathUtil.LogAddExp(eta, _logPhi);
        var w = Math.Exp(_logPhi - lse);
        _value += lg - RealDensity.LogFactorial(k) + k * eta + _phi * _logPhi - (k + _phi) * lse;
        _dPhi += psi + 1 + _logPhi - lse - (k + _phi) * w / _phi;
        return k - (k + _phi) * Math.Exp(eta - lse);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<double> Apply4(int i, Vector256<double> eta) =>
        Vector256.Create(Apply(i, eta[0]), Apply(i + 1, eta[1]), Apply(i + 2, eta[2]), Apply(i + 3, eta[3]));
}
