using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// A continuous family over <see cref="Real"/> parameters restricted to [lower, upper] and renormalised: the
/// differentiable counterpart of <see cref="Truncated{D}"/>. The normaliser log Z = log(F(upper) − F(lower)) is built on
/// the tape from the base's log CDF (or its log survival function when the interval lies above the median), so the log
/// density is differentiated in the base's parameters and in both bounds; the map from ℝ onto the truncated support
/// takes its ends from the bounds (intersected with the base's support), on the tape too.
/// </summary>
/// <typeparam name="D">The base family over Real parameters.</typeparam>
public readonly struct RealTruncated<D> : IRealContinuous where D : struct, IRealCdf
{
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>Creates the truncation of <paramref name="distribution"/> to [<paramref name="lower"/>, <paramref name="upper"/>]. Parameters are checked when the distribution is used.</summary>
    public RealTruncated(D distribution, Real lower, Real upper)
    {
        Distribution = distribution;
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The base distribution.</summary>
    public D Distribution { get; }

    /// <summary>The lower bound (−∞ for none).</summary>
    public Real Lower { get; }

    /// <summary>The upper bound (+∞ for none).</summary>
    public Real Upper { get; }

    /// <inheritdoc />
    public string Family => "Truncated";

    /// <inheritdoc />
    public string? ParameterError => AtValuesTyped().ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => AtValuesTyped();

    private Truncated<IHasCdf> AtValuesTyped() => new((IHasCdf)Distribution.AtValues(), Lower.Value, Upper.Value);

    /// <summary>log Z = log P(lower ≤ X ≤ upper) under the base, on the tape; NaN when a parameter or bound is invalid.</summary>
    public Real LogNormaliser()
    {
        var l = Lower.Value;
        var u = Upper.Value;
        if (!(u > l)) return double.NaN; // also NaN bounds
        var lowerCut = l > Distribution.SupportLower.Value;
        var upperCut = u < Distribution.SupportUpper.Value;
        // No truncation at all: Z = 1 (an invalid base still gives NaN through its log density).
        if (!lowerCut && !upperCut) return 0.0;
        if (!lowerCut) return Distribution.LogCdf(Upper);
        if (!upperCut) return Distribution.LogCcdf(Lower);
        var lowerLogCdf = Distribution.LogCdf(Lower);
        // Above the median the CDF's digits are in 1 − F: take the difference of survival functions there.
        if (lowerLogCdf.Value > -Ln2) return RealMath.LogDiffExp(Distribution.LogCcdf(Lower), Distribution.LogCcdf(Upper));
        return RealMath.LogDiffExp(Distribution.LogCdf(Upper), lowerLogCdf);
    }

    /// <summary>log p(x) − log Z on [lower, upper]; −∞ outside; NaN when a parameter or bound is invalid or the interval has probability 0.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var logZ = LogNormaliser();
        if (!(logZ.Value > double.NegativeInfinity)) return double.NaN;
        var xv = x.Value;
        if (!(xv >= Lower.Value && xv <= Upper.Value)) return double.NegativeInfinity;
        return Distribution.LogDensity(x) - logZ;
    }

    /// <summary>
    /// Maps u ∈ ℝ onto the truncated support, as the double family's bijector: lower + (upper − lower)·σ(u) when both ends
    /// are finite, lower + eᵘ or upper − eᵘ when one is, the identity when none is (the ends are the bounds intersected
    /// with the base's support). Adds log |dx/du| to <paramref name="logJacobian"/>; both are differentiated in the ends.
    /// </summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian)
    {
        var (lo, hi) = Ends();
        var finiteLower = !double.IsNegativeInfinity(lo.Value);
        var finiteUpper = !double.IsPositiveInfinity(hi.Value);
        if (finiteLower && finiteUpper) return RealFamilies.ConstrainInterval(u, lo, hi, ref logJacobian);
        if (finiteLower) return RealFamilies.ConstrainLower(u, lo, ref logJacobian);
        if (finiteUpper) return RealFamilies.ConstrainUpper(u, hi, ref logJacobian);
        return u;
    }

    /// <inheritdoc />
    public double Unconstrain(double x)
    {
        var (lo, hi) = Ends();
        var finiteLower = !double.IsNegativeInfinity(lo.Value);
        var finiteUpper = !double.IsPositiveInfinity(hi.Value);
        if (finiteLower && finiteUpper) return RealFamilies.UnconstrainInterval(x, lo.Value, hi.Value);
        if (finiteLower) return Math.Log(x - lo.Value);
        if (finiteUpper) return Math.Log(hi.Value - x);
        return x;
    }

    /// <summary>The ends of the truncated support: each bound, or the base's end where that is tighter (as the operand itself, for the tape).</summary>
    private (Real Lower, Real Upper) Ends()
    {
        var supportLower = Distribution.SupportLower;
        var supportUpper = Distribution.SupportUpper;
        return (Lower.Value > supportLower.Value ? Lower : supportLower, Upper.Value < supportUpper.Value ? Upper : supportUpper);
    }

    /// <inheritdoc />
    public override string ToString() => $"Truncated({Distribution}, {Lower}, {Upper})";
}
