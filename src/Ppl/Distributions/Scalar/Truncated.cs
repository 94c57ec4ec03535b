using Ppl.Autodiff;

namespace Ppl.Distributions;

/// <summary>
/// A univariate continuous distribution restricted to [lower, upper] and renormalised: density p(x) / Z on the interval
/// with Z = F(upper) − F(lower), computed in log space from the base family's log CDF (or, when the interval lies in the
/// upper half, from its log survival function) so that truncations far in a tail keep their digits. Either bound may
/// be infinite (one-sided truncation). Draws are by rejection from the base when Z ≥ ¼, by inverting the CDF otherwise.
/// </summary>
/// <typeparam name="D">The base family (any with a CDF: Normal, StudentT, Cauchy, Laplace, Exponential, Gamma, …).</typeparam>
public readonly struct Truncated<D> : IDistribution<double>, IHasBijector<double>, IHasCdf where D : IHasCdf
{
    /// <summary>Creates the truncation of <paramref name="distribution"/> to [<paramref name="lower"/>, <paramref name="upper"/>]. Parameters are checked when the distribution is used.</summary>
    public Truncated(D distribution, double lower, double upper)
    {
        Distribution = distribution;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The base distribution.</summary>
    public D Distribution { get; }

    /// <summary>The lower truncation bound (−∞ for none).</summary>
    public double Lower { get; }

    /// <summary>The upper truncation bound (+∞ for none).</summary>
    public double Upper { get; }

    /// <inheritdoc />
    public string Family => "Truncated";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <summary>The truncation interval within the base's support.</summary>
    public Support Support
    {
        get
        {
            var (lo, hi) = Bounds();
            return double.IsNegativeInfinity(lo) && double.IsPositiveInfinity(hi) ? Distribution.Support : Support.Interval(lo, hi);
        }
    }

    /// <summary>
    /// Null when the base's parameters and the bounds are valid and the interval has positive probability; otherwise a
    /// message naming the problem (the base's own message, a NaN bound, upper ≤ lower, or an interval of probability 0).
    /// </summary>
    public string? ParameterError
    {
        get
        {
            if (BaseOrBoundsError() is { } e) return e;
            var logZ = LogNormaliserUnchecked();
            return logZ > double.NegativeInfinity ? null : MassError(logZ);
        }
    }

    private string? BaseOrBoundsError()
    {
        if (Distribution is null) return "distribution must not be null";
        if (Distribution.ParameterError is { } e) return $"{Distribution.Family}: {e}";
        if (double.IsNaN(Lower)) return "lower must not be NaN, got NaN";
        if (double.IsNaN(Upper)) return "upper must not be NaN, got NaN";
        if (!(Upper > Lower)) return $"upper must be greater than lower ({ParameterChecks.Format(Lower)}), got {ParameterChecks.Format(Upper)}";
        return null;
    }

    private string MassError(double logZ) =>
        $"the interval [{ParameterChecks.Format(Lower)}, {ParameterChecks.Format(Upper)}] has probability {(double.IsNaN(logZ) ? "NaN" : "0")} under {Distribution}";

    /// <summary>
    /// The map from ℝ onto the truncated support: lower + (upper − lower)·σ(u) for two finite ends, lower + eᵘ or
    /// upper − eᵘ for one, the identity for none (the ends are the bounds intersected with the base's support).
    /// </summary>
    public IBijector<double> Bijector
    {
        get
        {
            var (lo, hi) = Bounds();
            var finiteLower = !double.IsNegativeInfinity(lo);
            var finiteUpper = !double.IsPositiveInfinity(hi);
            if (finiteLower && finiteUpper) return new IntervalBijector(lo, hi);
            if (finiteLower) return lo == 0 ? LowerBoundBijector.Positive : new LowerBoundBijector(lo);
            if (finiteUpper) return new UpperBoundBijector(hi);
            return IdentityBijector.Instance;
        }
    }

    /// <summary>log Z = log P(lower ≤ X ≤ upper) under the base. Throws when the parameters are invalid.</summary>
    public double LogNormaliser
    {
        get
        {
            if (BaseOrBoundsError() is { } e) throw new DistributionParameterException(Family, e);
            var logZ = LogNormaliserUnchecked();
            if (!(logZ > double.NegativeInfinity)) throw new DistributionParameterException(Family, MassError(logZ));
            return logZ;
        }
    }

    /// <summary>log p(x) − log Z on [lower, upper]; −∞ outside and for NaN.</summary>
    /// <param name="value">The value.</param>
    public double LogDensity(double value)
    {
        var logZ = LogNormaliser;
        if (!(value >= Lower && value <= Upper)) return double.NegativeInfinity;
        return Distribution.LogDensity(value) - logZ;
    }

    /// <inheritdoc />
    public double Cdf(double x) => Math.Exp(LogCdf(x));

    /// <summary>log((F(x) − F(lower)) / Z) inside the interval, −∞ below it and 0 above it.</summary>
    /// <param name="x">The point.</param>
    public double LogCdf(double x)
    {
        var logZ = LogNormaliser;
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > Lower)) return double.NegativeInfinity;
        if (!(x < Upper)) return 0.0;
        if (UpperHalf()) return Math.Min(0.0, RealMath.LogDiffExp(Distribution.LogCcdf(Lower), Distribution.LogCcdf(x)) - logZ);
        return Math.Min(0.0, RealMath.LogDiffExp(Distribution.LogCdf(x), LowerLogCdf()) - logZ);
    }

    /// <summary>log((F(upper) − F(x)) / Z) inside the interval, 0 below it and −∞ above it.</summary>
    /// <param name="x">The point.</param>
    public double LogCcdf(double x)
    {
        var logZ = LogNormaliser;
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > Lower)) return 0.0;
        if (!(x < Upper)) return double.NegativeInfinity;
        if (UpperHalf()) return Math.Min(0.0, RealMath.LogDiffExp(Distribution.LogCcdf(x), UpperLogCcdf()) - logZ);
        return Math.Min(0.0, RealMath.LogDiffExp(UpperLogCdf(), Distribution.LogCdf(x)) - logZ);
    }

    /// <summary>
    /// A draw: from the base until it falls in [lower, upper] when the interval holds at least a quarter of the mass,
    /// otherwise by solving F(x) = F(lower) + vZ for a uniform v (in survival form when the interval is in the upper
    /// half), with a safeguarded Newton iteration in log space.
    /// </summary>
    /// <param name="rng">The random source.</param>
    public double Sample(Rng rng)
    {
        var logZ = LogNormaliser;
        if (logZ > -1.3862943611198906) // Z > ¼: rejection costs fewer than four base draws on average
        {
            for (var i = 0; i < 64; i++)
            {
                var x = Distribution.Sample(rng);
                if (x >= Lower && x <= Upper) return x;
            }
        }
        return Invert(rng.NextDouble(), logZ);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    /// <inheritdoc />
    public override string ToString() => $"Truncated({Distribution}, {Lower}, {Upper})";

    // ---- internals

    private bool LowerCut => Lower > Distribution.Support.Lower;

    private bool UpperCut => Upper < Distribution.Support.Upper;

    private double LowerLogCdf() => LowerCut ? Distribution.LogCdf(Lower) : double.NegativeInfinity;

    private double UpperLogCdf() => UpperCut ? Distribution.LogCdf(Upper) : 0.0;

    private double UpperLogCcdf() => UpperCut ? Distribution.LogCcdf(Upper) : double.NegativeInfinity;

    /// <summary>True when the interval starts above the base's median: differences of survival functions keep the digits there.</summary>
    private bool UpperHalf() => LowerCut && Distribution.LogCdf(Lower) > -0.69314718055994530942;

    private (double Lower, double Upper) Bounds()
    {
        var s = Distribution.Support;
        return (Math.Max(Lower, s.Lower), Math.Min(Upper, s.Upper));
    }

    private double LogNormaliserUnchecked()
    {
        if (!LowerCut && !UpperCut) return 0.0;
        if (!LowerCut) return Distribution.LogCdf(Upper);
        if (!UpperCut) return Distribution.LogCcdf(Lower);
        if (UpperHalf()) return RealMath.LogDiffExp(Distribution.LogCcdf(Lower), Distribution.LogCcdf(Upper));
        return RealMath.LogDiffExp(Distribution.LogCdf(Upper), Distribution.LogCdf(Lower));
    }

    /// <summary>The x in the interval whose truncated CDF is <paramref name="v"/>.</summary>
    private double Invert(double v, double logZ)
    {
        var (lo, hi) = Bounds();
        if (v <= 0) return lo;
        var upperHalf = UpperHalf();
        // g(x) is increasing and 0 at the answer: log F(x) − log(F(lower) + vZ), or log(S(lower) − vZ) − log S(x).
        double target;
        if (upperHalf) target = RealMath.LogDiffExp(Distribution.LogCcdf(Lower), Math.Log(v) + logZ);
        else target = MathUtil.LogAddExp(LowerLogCdf(), Math.Log(v) + logZ);
        var dist = Distribution;
        double G(double x) => upperHalf ? target - dist.LogCcdf(x) : dist.LogCdf(x) - target;
        // Slope of g: p(x) / S(x) or p(x) / F(x).
        double Slope(double x) => Math.Exp(dist.LogDensity(x) - (upperHalf ? dist.LogCcdf(x) : dist.LogCdf(x)));
        if (!double.IsFinite(target)) return upperHalf ? hi : lo;

        // A finite bracket [a, b] with g(a) ≤ 0 ≤ g(b), stepping out from a finite end (or from 0) by doubling steps.
        double a = lo, b = hi;
        if (double.IsInfinity(a) || double.IsInfinity(b))
        {
            var anchor = !double.IsInfinity(a) ? a : !double.IsInfinity(b) ? b : 0.0;
            var step = Math.Max(1.0, Math.Abs(anchor));
            if (double.IsNegativeInfinity(a))
            {
                a = Math.Min(anchor, b) - step;
                while (G(a) > 0 && double.IsFinite(a)) a -= step *= 2;
            }
            if (double.IsPositiveInfinity(b))
            {
                b = Math.Max(anchor, a) + step;
                while (G(b) < 0 && double.IsFinite(b)) b += step *= 2;
            }
        }
        var x = 0.5 * (a + b);
        for (var i = 0; i < 200; i++)
        {
            var g = G(x);
            if (g == 0) return x;
            if (g > 0) b = x;
            else a = x;
            var next = x - g / Slope(x);
            if (!(next > a && next < b)) next = 0.5 * (a + b);
            if (Math.Abs(next - x) <= 1e-15 * Math.Max(1.0, Math.Abs(x)) || b - a <= 4e-16 * Math.Max(1.0, Math.Abs(x))) return Math.Clamp(next, lo, hi);
            x = next;
        }
        return Math.Clamp(x, lo, hi);
    }
}

