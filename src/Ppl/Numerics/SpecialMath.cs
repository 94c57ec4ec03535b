using MathNet.Numerics;

namespace Ppl;

/// <summary>
/// Special functions shared by the double and the <see cref="Autodiff.Real"/> families: the trigamma function,
/// the log of the standard normal CDF and its derivative, Student's t tail, log I₀ and I₁/I₀, the regularised
/// incomplete gamma in log space. Values come from MathNet where it has them; the rest is written here.
/// </summary>
internal static class SpecialMath
{
    /// <summary>½ log 2π.</summary>
    public const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>log 2.</summary>
    public const double Ln2 = 0.69314718055994530942;

    private const double InvSqrt2 = 0.70710678118654752440;

    /// <summary>
    /// The trigamma function ψ₁(x) = d²/dx² log Γ(x): the reflection formula below 0, the recurrence
    /// ψ₁(x) = ψ₁(x + 1) + 1/x² up to x ≥ 10, then the asymptotic series (error below 1e-16 relative there).
    /// +∞ at the poles 0, −1, −2, …
    /// </summary>
    public static double Trigamma(double x)
    {
        if (double.IsNaN(x) || double.IsNegativeInfinity(x)) return double.NaN;
        if (double.IsPositiveInfinity(x)) return 0.0;
        if (x <= 0)
        {
            if (x == Math.Floor(x)) return double.PositiveInfinity;
            // ψ₁(1 − x) + ψ₁(x) = π² / sin²(πx).
            var s = Math.Sin(Math.PI * x);
            return Math.PI * Math.PI / (s * s) - Trigamma(1 - x);
        }
        double acc = 0;
        while (x < 10)
        {
            acc += 1.0 / (x * x);
            x += 1;
        }
        var inv = 1.0 / x;
        var inv2 = inv * inv;
        // 1/x + 1/(2x²) + Σ B₂ₖ / x²ᵏ⁺¹ with B₂ … B₁₄.
        var series = inv2 * inv * (1.0 / 6 + inv2 * (-1.0 / 30 + inv2 * (1.0 / 42 + inv2 * (-1.0 / 30 + inv2 * (5.0 / 66 + inv2 * (-691.0 / 2730 + inv2 * (7.0 / 6)))))));
        return acc + inv + 0.5 * inv2 + series;
    }

    /// <summary>
    /// log Φ(z) for the standard normal CDF Φ, accurate in both tails: log1p(−Φ(−z)) above 5, log(erfc(−z/√2)/2)
    /// down to −30, the asymptotic series of the Mills ratio below.
    /// </summary>
    public static double LogPhi(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        if (z > 5) return MathUtil.Log1p(-0.5 * SpecialFunctions.Erfc(z * InvSqrt2));
        if (z > -30) return Math.Log(0.5 * SpecialFunctions.Erfc(-z * InvSqrt2));
        if (double.IsNegativeInfinity(z)) return double.NegativeInfinity;
        return -0.5 * z * z - HalfLog2Pi - Math.Log(-z) + Math.Log(MillsSeries(z));
    }

    /// <summary>Φ(z).</summary>
    public static double Phi(double z) => z > 0 ? 1 - 0.5 * SpecialFunctions.Erfc(z * InvSqrt2) : 0.5 * SpecialFunctions.Erfc(-z * InvSqrt2);

    /// <summary>φ(z) / Φ(z), the derivative of log Φ (the inverse Mills ratio of −z); ≈ −z far in the lower tail.</summary>
    public static double InverseMills(double z)
    {
        if (z > -30) return Math.Exp(-0.5 * z * z - HalfLog2Pi - LogPhi(z));
        if (double.IsNegativeInfinity(z)) return double.PositiveInfinity;
        return -z / MillsSeries(z);
    }

    // Σ = 1 − 1/z² + 3/z⁴ − 15/z⁶ + … , with Φ(z) = φ(z) Σ / (−z) for z → −∞ (six terms: error below 1e-16 for z ≤ −30).
    private static double MillsSeries(double z)
    {
        var w = 1.0 / (z * z);
        return 1 + w * (-1 + w * (3 + w * (-15 + w * (105 + w * (-945 + w * 10395)))));
    }

    /// <summary>
    /// P(T &gt; z) for z ≥ 0 and Student's t with ν degrees of freedom: ½ I_{ν/(ν+z²)}(ν/2, ½) in the tail,
    /// ½ (1 − I_{z²/(ν+z²)}(½, ν/2)) near 0 (each form where its argument is at most ½).
    /// </summary>
    public static double StudentTUpperTail(double z, double nu) => 0.5 * StudentTTwoSided(z, nu);

    /// <summary>P(|T| &gt; z) for z ≥ 0: I_{ν/(ν+z²)}(ν/2, ½), or 1 − I_{z²/(ν+z²)}(½, ν/2) near 0.</summary>
    public static double StudentTTwoSided(double z, double nu)
    {
        if (double.IsPositiveInfinity(z)) return 0.0;
        var z2 = z * z;
        if (z2 < nu) return 1 - SpecialFunctions.BetaRegularized(0.5, 0.5 * nu, z2 / (nu + z2));
        return SpecialFunctions.BetaRegularized(0.5 * nu, 0.5, nu / (nu + z2));
    }

    /// <summary>P(|T| ≤ z) for z ≥ 0: I_{z²/(ν+z²)}(½, ν/2), or 1 − I_{ν/(ν+z²)}(ν/2, ½) in the tail.</summary>
    public static double StudentTCentral(double z, double nu)
    {
        if (double.IsPositiveInfinity(z)) return 1.0;
        var z2 = z * z;
        if (z2 < nu) return SpecialFunctions.BetaRegularized(0.5, 0.5 * nu, z2 / (nu + z2));
        return 1 - SpecialFunctions.BetaRegularized(0.5 * nu, 0.5, nu / (nu + z2));
    }

    /// <summary>P(T ≤ z) for Student's t with ν degrees of freedom.</summary>
    public static double StudentTCdf(double z, double nu) => z < 0 ? StudentTUpperTail(-z, nu) : 1 - StudentTUpperTail(z, nu);

    /// <summary>log P(T ≤ z) for Student's t with ν degrees of freedom.</summary>
    public static double StudentTLogCdf(double z, double nu)
    {
        if (double.IsNaN(z)) return double.NaN;
        return z < 0 ? Math.Log(StudentTUpperTail(-z, nu)) : MathUtil.Log1p(-StudentTUpperTail(z, nu));
    }

    /// <summary>log of the standard Student-t density with ν degrees of freedom at z.</summary>
    public static double StudentTLogDensity(double z, double nu) =>
        SpecialFunctions.GammaLn(0.5 * (nu + 1)) - SpecialFunctions.GammaLn(0.5 * nu) - 0.5 * Math.Log(nu * Math.PI) - 0.5 * (nu + 1) * MathUtil.Log1p(z * z / nu);

    /// <summary>log P(|T| ≤ z) for z ≥ 0: the log CDF of the standard half-Student-t.</summary>
    public static double HalfStudentTLogCdf(double z, double nu)
    {
        if (double.IsNaN(z)) return double.NaN;
        if (!(z > 0)) return double.NegativeInfinity;
        var z2 = z * z;
        if (z2 < nu) return Math.Log(SpecialFunctions.BetaRegularized(0.5, 0.5 * nu, z2 / (nu + z2)));
        return MathUtil.Log1p(-StudentTTwoSided(z, nu));
    }

    /// <summary>log P(|T| &gt; z) for z ≥ 0: the log survival function of the standard half-Student-t.</summary>
    public static double HalfStudentTLogCcdf(double z, double nu)
    {
        if (double.IsNaN(z)) return double.NaN;
        if (!(z > 0)) return 0.0;
        var z2 = z * z;
        if (z2 < nu) return MathUtil.Log1p(-StudentTCentral(z, nu));
        return Math.Log(StudentTTwoSided(z, nu));
    }

    /// <summary>The standard Cauchy CDF, ½ + atan(z)/π, written as atan(−1/z)/π below 0 (no cancellation in the lower tail).</summary>
    public static double CauchyCdf(double z) => z < 0 ? Math.Atan(-1 / z) / Math.PI : 1 - (z > 0 ? Math.Atan(1 / z) / Math.PI : 0.5);

    /// <summary>log of the standard Cauchy CDF, accurate in both tails.</summary>
    public static double CauchyLogCdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        if (z < 0) return Math.Log(Math.Atan(-1 / z) / Math.PI);
        return MathUtil.Log1p(-(z > 0 ? Math.Atan(1 / z) / Math.PI : 0.5));
    }

    /// <summary>The standard Laplace CDF: ½eᶻ below 0, 1 − ½e⁻ᶻ above.</summary>
    public static double LaplaceCdf(double z) => z < 0 ? 0.5 * Math.Exp(z) : 1 - 0.5 * Math.Exp(-z);

    /// <summary>log of the standard Laplace CDF: z − log 2 below 0, log1p(−½e⁻ᶻ) above.</summary>
    public static double LaplaceLogCdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        return z < 0 ? z - Ln2 : MathUtil.Log1p(-0.5 * Math.Exp(-z));
    }

    /// <summary>log of the standard half-normal CDF erf(z/√2) for z ≥ 0 (−∞ at and below 0).</summary>
    public static double HalfNormalLogCdf(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        if (!(z > 0)) return double.NegativeInfinity;
        return z < 1 ? Math.Log(SpecialFunctions.Erf(z * InvSqrt2)) : MathUtil.Log1p(-SpecialFunctions.Erfc(z * InvSqrt2));
    }

    /// <summary>erf(z/√2), the standard half-normal CDF for z ≥ 0.</summary>
    public static double HalfNormalCdf(double z) => z > 0 ? SpecialFunctions.Erf(z * InvSqrt2) : 0.0;

    /// <summary>
    /// log P(X ≤ x) and log P(X &gt; x) for the standard gamma with shape <paramref name="a"/> (rate 1): MathNet's regularised
    /// incomplete gamma functions, and where one of them is below 1e-280 (or underflows) its log from the series
    /// (lower) or the continued fraction (upper) evaluated in log space.
    /// </summary>
    public static (double LogCdf, double LogCcdf) GammaLogCdfs(double a, double x)
    {
        if (double.IsNaN(x) || double.IsNaN(a)) return (double.NaN, double.NaN);
        if (!(x > 0)) return (double.NegativeInfinity, 0.0);
        if (double.IsPositiveInfinity(x)) return (0.0, double.NegativeInfinity);
        var p = SpecialFunctions.GammaLowerRegularized(a, x);
        var q = SpecialFunctions.GammaUpperRegularized(a, x);
        var logP = p < 1e-280 && x < a + 1 ? LogLowerGammaSeries(a, x) : p < 0.5 ? Math.Log(p) : MathUtil.Log1p(-q);
        var logQ = q < 1e-280 && x > a + 1 ? LogUpperGammaFraction(a, x) : q < 0.5 ? Math.Log(q) : MathUtil.Log1p(-p);
        return (logP, logQ);
    }

    // log P(a, x) = a log x − x − log Γ(a + 1) + log Σₙ xⁿ / ((a + 1)…(a + n)), for x < a + 1.
    private static double LogLowerGammaSeries(double a, double x)
    {
        double term = 1, sum = 1;
        for (var n = 1; n < 10000; n++)
        {
            term *= x / (a + n);
            sum += term;
            if (term < sum * 1e-17) break;
        }
        return a * Math.Log(x) - x - SpecialFunctions.GammaLn(a + 1) + Math.Log(sum);
    }

    // log Q(a, x) = a log x − x − log Γ(a) + log CF, CF = 1/(x + 1 − a − 1(1 − a)/(x + 3 − a − …)) by Lentz's method, for x &gt; a + 1.
    private static double LogUpperGammaFraction(double a, double x)
    {
        const double tiny = 1e-300;
        var b = x + 1 - a;
        var c = 1 / tiny;
        var d = 1 / b;
        var h = d;
        for (var i = 1; i < 10000; i++)
        {
            var an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.Abs(d) < tiny) d = tiny;
            c = b + an / c;
            if (Math.Abs(c) < tiny) c = tiny;
            d = 1 / d;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }
        return a * Math.Log(x) - x - SpecialFunctions.GammaLn(a) + Math.Log(h);
    }

    /// <summary>log I₀(κ) for κ ≥ 0 (MathNet's I₀ up to 700, the asymptotic series of e^{−κ} I₀ above).</summary>
    public static double LogBesselI0(double kappa)
    {
        if (kappa <= 700) return Math.Log(SpecialFunctions.BesselI0(kappa));
        return kappa - 0.5 * Math.Log(2 * Math.PI * kappa) + Math.Log(AsymptoticScaledBessel(0, kappa));
    }

    /// <summary>I₁(κ) / I₀(κ) for κ ≥ 0, the derivative of log I₀.</summary>
    public static double BesselRatioI1I0(double kappa)
    {
        if (kappa <= 700) return SpecialFunctions.BesselI1(kappa) / SpecialFunctions.BesselI0(kappa);
        return AsymptoticScaledBessel(1, kappa) / AsymptoticScaledBessel(0, kappa);
    }

    // √(2πκ) e^{−κ} I_ν(κ) ≈ Σₖ (−1)ᵏ Πⱼ₌₁ᵏ (4ν² − (2j − 1)²) / (k! (8κ)ᵏ), for κ ≥ 700 (eight terms: below 1e-17).
    private static double AsymptoticScaledBessel(int order, double kappa)
    {
        var mu = 4.0 * order * order;
        double term = 1, sum = 1;
        for (var k = 1; k <= 8; k++)
        {
            var odd = 2 * k - 1;
            term *= -(mu - odd * odd) / (k * 8 * kappa);
            sum += term;
        }
        return sum;
    }

    /// <summary>
    /// The derivative of <paramref name="f"/> at <paramref name="x"/> by central differences with one Richardson step
    /// (error O(h⁴), about 1e-10 relative for a smooth f): used only for shape parameters of incomplete gamma and beta
    /// functions, whose analytic parameter derivatives are not implemented yet.
    /// </summary>
    public static double Derivative(Func<double, double> f, double x)
    {
        var h = 1e-3 * Math.Max(Math.Abs(x), 1e-3);
        var h2 = 0.5 * h;
        var d1 = (f(x + h) - f(x - h)) / (2 * h);
        var d2 = (f(x + h2) - f(x - h2)) / (2 * h2);
        return (4 * d2 - d1) / 3;
    }
}
