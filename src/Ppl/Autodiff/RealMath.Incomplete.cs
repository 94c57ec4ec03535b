using MathNet.Numerics;

namespace Ppl.Autodiff;

// The regularised incomplete gamma and beta functions (Stan's gamma_p, gamma_q and inc_beta): values from MathNet, the
// derivative in the integration limit analytic (the integrand over the normaliser), the derivatives in the shape
// parameters by a Richardson-extrapolated central difference of the value (about 1e-10 relative), as the gamma and
// beta CDFs do: the analytic shape derivatives are hypergeometric series not implemented here. Outside the domain the
// value is NaN, never an exception.
public static partial class RealMath
{
    /// <summary>
    /// The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) = ∫₀ˣ t^(a−1) e^(−t) dt / Γ(a), for a &gt; 0
    /// and x ≥ 0 (1 at x = +∞); ∂P/∂x = x^(a−1) e^(−x)/Γ(a).
    /// </summary>
    /// <param name="a">The shape a &gt; 0.</param>
    /// <param name="x">The upper limit x ≥ 0.</param>
    public static Real GammaP(Real a, Real x) => IncompleteGamma(a, x, upper: false);

    /// <summary>P(a, x) at doubles.</summary>
    /// <param name="a">The shape a &gt; 0.</param>
    /// <param name="x">The upper limit x ≥ 0.</param>
    public static double GammaP(double a, double x) => !GammaDomain(a, x) ? double.NaN : double.IsPositiveInfinity(x) ? 1 : SpecialFunctions.GammaLowerRegularized(a, x);

    /// <summary>The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed directly (no cancellation for large x).</summary>
    /// <param name="a">The shape a &gt; 0.</param>
    /// <param name="x">The lower limit x ≥ 0.</param>
    public static Real GammaQ(Real a, Real x) => IncompleteGamma(a, x, upper: true);

    /// <summary>Q(a, x) at doubles.</summary>
    /// <param name="a">The shape a &gt; 0.</param>
    /// <param name="x">The lower limit x ≥ 0.</param>
    public static double GammaQ(double a, double x) => !GammaDomain(a, x) ? double.NaN : double.IsPositiveInfinity(x) ? 0 : SpecialFunctions.GammaUpperRegularized(a, x);

    /// <summary>
    /// The regularised incomplete beta function I_x(a, b) = ∫₀ˣ t^(a−1) (1 − t)^(b−1) dt / B(a, b), for a, b &gt; 0 and
    /// 0 ≤ x ≤ 1; ∂I/∂x = x^(a−1) (1 − x)^(b−1)/B(a, b).
    /// </summary>
    /// <param name="a">The first shape a &gt; 0.</param>
    /// <param name="b">The second shape b &gt; 0.</param>
    /// <param name="x">The upper limit, in [0, 1].</param>
    public static Real IncBeta(Real a, Real b, Real x)
    {
        var (av, bv, xv) = (a.Value, b.Value, x.Value);
        if (!BetaDomain(av, bv, xv)) return double.NaN;
        var value = SpecialFunctions.BetaRegularized(av, bv, xv);
        var dx = Math.Exp(PowerLog(av - 1, xv) + PowerLog(bv - 1, 1 - xv) - SpecialFunctions.BetaLn(av, bv));
        // At x = 0 or 1 the function is 0 or 1 whatever the shapes.
        var boundary = xv == 0 || xv == 1;
        var da = a.IsConstant || boundary ? 0.0 : SpecialMath.Derivative(s => SpecialFunctions.BetaRegularized(s, bv, xv), av);
        var db = b.IsConstant || boundary ? 0.0 : SpecialMath.Derivative(s => SpecialFunctions.BetaRegularized(av, s, xv), bv);
        return Real.Ternary(value, a, da, b, db, x, dx);
    }

    /// <summary>I_x(a, b) at doubles.</summary>
    /// <param name="a">The first shape a &gt; 0.</param>
    /// <param name="b">The second shape b &gt; 0.</param>
    /// <param name="x">The upper limit, in [0, 1].</param>
    public static double IncBeta(double a, double b, double x) => BetaDomain(a, b, x) ? SpecialFunctions.BetaRegularized(a, b, x) : double.NaN;

    private static Real IncompleteGamma(Real a, Real x, bool upper)
    {
        var (av, xv) = (a.Value, x.Value);
        if (!GammaDomain(av, xv)) return double.NaN;
        double Value(double s) => upper ? GammaQ(s, xv) : GammaP(s, xv);
        var value = Value(av);
        var sign = upper ? -1.0 : 1.0;
        var dx = double.IsPositiveInfinity(xv) ? 0.0 : sign * Math.Exp(PowerLog(av - 1, xv) - xv - SpecialFunctions.GammaLn(av));
        // At x = 0 and x = +∞ the function is 0 or 1 whatever the shape.
        var da = a.IsConstant || xv == 0 || double.IsPositiveInfinity(xv) ? 0.0 : SpecialMath.Derivative(Value, av);
        return Real.Binary(value, a, da, x, dx);
    }

    /// <summary>p·log(t), with 0·log 0 = 0 (so that t^0 = 1 at t = 0).</summary>
    private static double PowerLog(double p, double t) => p == 0 ? 0 : p * Math.Log(t);

    private static bool GammaDomain(double a, double x) => a > 0 && double.IsFinite(a) && x >= 0;

    private static bool BetaDomain(double a, double b, double x) => a > 0 && double.IsFinite(a) && b > 0 && double.IsFinite(b) && x >= 0 && x <= 1;
}
