using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The Dirichlet distribution on the simplex over <see cref="Real"/> (or data) concentrations: the differentiable
/// counterpart of <see cref="Dirichlet"/>. A draw of K entries has K − 1 unconstrained coordinates, mapped by Stan's
/// stick-breaking transform (the double family's <see cref="StickBreakingBijector"/>, here on the tape); the density
/// is with respect to Lebesgue measure on the first K − 1 entries, as the double family's.
/// </summary>
public readonly struct RealDirichlet : IRealVectorContinuous, IRealVectorObservation<double[]>
{
    private readonly Real[]? _alpha;
    private readonly double[]? _alphaData;

    /// <summary>Creates the family from random concentrations (<paramref name="alpha"/>) or data (<paramref name="alphaData"/>).</summary>
    internal RealDirichlet(Real[]? alpha, double[]? alphaData)
    {
        _alpha = alpha;
        _alphaData = alphaData;
    }

    /// <inheritdoc />
    public string Family => "Dirichlet";

    /// <inheritdoc />
    public int Length => _alpha?.Length ?? _alphaData?.Length ?? 0;

    /// <inheritdoc />
    public int UnconstrainedLength => Math.Max(0, Length - 1);

    private double Alpha(int k) => _alpha is { } a ? a[k].Value : _alphaData![k];

    /// <inheritdoc />
    public string? ParameterError => AtValuesCore().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesCore();

    private Dirichlet AtValuesCore() => new(_alpha is { } a ? RealVectorBuffers.Values(a) : _alphaData!);

    /// <summary>
    /// Stick-breaking: with aₖ = uₖ − log(K − 1 − k) and zₖ = σ(aₖ), xₖ = zₖ Πⱼ&lt;ₖ (1 − zⱼ) and the last entry is what is
    /// left; log |det J| = Σₖ log zₖ + log(1 − zₖ) + log(remainingₖ). Computed in log space (log zₖ = −softplus(−aₖ)),
    /// so entries far into the tail neither underflow to a wrong sign nor lose their digits by subtraction.
    /// </summary>
    public Real[] Constrain(ReadOnlySpan<Real> u, ref Real logJacobian)
    {
        var n = Length;
        var x = new Real[n];
        Real logRemaining = 0.0;
        for (var k = 0; k < n - 1; k++)
        {
            var a = u[k] - Math.Log(n - 1 - k);
            var logZ = -RealMath.Softplus(-a);
            var log1mZ = -RealMath.Softplus(a);
            logJacobian += logZ + log1mZ + logRemaining;
            x[k] = RealMath.Exp(logRemaining + logZ);
            logRemaining += log1mZ;
        }
        if (n > 0) x[n - 1] = RealMath.Exp(logRemaining);
        return x;
    }

    /// <inheritdoc />
    public void Unconstrain(ReadOnlySpan<double> x, Span<double> u)
    {
        if (Length < 1) return;
        new StickBreakingBijector(Length).Inverse(x.ToArray(), u);
    }

    /// <summary>log Γ(Σα) − Σ log Γ(αₖ) + Σ (αₖ − 1) log xₖ, one operation over the concentrations and the entries.</summary>
    public Real LogDensity(Real[] x) => x is null ? double.NaN : Core(x, null);

    /// <summary>The log density of an observed probability vector (differentiated in the concentrations).</summary>
    public Real LogDensity(double[] value) => value is null ? double.NaN : Core(null, value);

    private Real Core(Real[]? x, double[]? xData)
    {
        var n = Length;
        var length = x?.Length ?? xData!.Length;
        if (n == 0 || length != n) return double.NaN;
        double total = 0, logGammas = 0, sum = 0;
        for (var k = 0; k < n; k++)
        {
            var a = Alpha(k);
            if (!(a > 0 && double.IsFinite(a))) return double.NaN;
            total += a;
            logGammas += SpecialFunctions.GammaLn(a);
        }
        for (var k = 0; k < n; k++)
        {
            var v = x is { } r ? r[k].Value : xData![k];
            if (!(v >= 0 && v <= 1)) return double.NegativeInfinity;
            sum += v;
        }
        // As the double family: values built by arithmetic on the simplex carry rounding error.
        if (!(Math.Abs(sum - 1) <= 1e-8 * Math.Max(1, n))) return double.NegativeInfinity;
        var value = SpecialFunctions.GammaLn(total) - logGammas;
        var digammaTotal = SpecialFunctions.DiGamma(total);
        RealVectorBuffers.Partials(2 * n, out var parents, out var partials);
        for (var k = 0; k < n; k++)
        {
            var a = Alpha(k);
            var v = x is { } r ? r[k].Value : xData![k];
            var logV = Math.Log(v);
            value += MathUtil.XLogY(a - 1, v);
            if (_alpha is { } alpha)
            {
                parents[k] = alpha[k];
                partials[k] = digammaTotal - SpecialFunctions.DiGamma(a) + logV;
            }
            if (x is { } xs)
            {
                parents[n + k] = xs[k];
                partials[n + k] = (a - 1) / v;
            }
        }
        return Real.FromPartials(value, parents, partials);
    }

    /// <inheritdoc />
    public override string ToString() => $"Dirichlet({Length} concentrations)";
}
