using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Factories for the scalar families over <see cref="Real"/> parameters: the differentiable counterpart of
/// <c>Ppl.Dist</c>. Each method has the name, parameter names, order and defaults of the <c>Dist</c> method it
/// mirrors, with <see cref="Real"/> for every real parameter (int parameters stay int), so that a call
/// <c>Dist.Normal(mu: a, sigma: b)</c> can be rewritten textually into <c>RealDist.Normal(mu: a, sigma: b)</c>.
/// Doubles convert implicitly to constant <see cref="Real"/>s. Parameters are checked when the distribution is
/// used: an invalid one makes the log density NaN and <see cref="IRealDistribution.ParameterError"/> non-null.
/// </summary>
public static partial class RealDist
{
    /// <summary>N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    public static RealNormal Normal(Real mu, Real sigma) => new(mu, sigma);

    /// <summary>Half-normal with scale <paramref name="sigma"/>.</summary>
    public static RealHalfNormal HalfNormal(Real sigma) => new(sigma);

    /// <summary>Log-normal: exp of N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    public static RealLogNormal LogNormal(Real mu, Real sigma) => new(mu, sigma);

    /// <summary>
    /// Student's t with <paramref name="nu"/> degrees of freedom, location <paramref name="mu"/> (0 when
    /// omitted) and scale <paramref name="sigma"/> (1 when omitted). The optional parameters are nullable only
    /// because a struct parameter cannot default to a non-zero constant; a double or <see cref="Real"/>
    /// argument converts implicitly, positionally or by name.
    /// </summary>
    public static RealStudentT StudentT(Real nu, Real? mu = null, Real? sigma = null) => new(nu, mu ?? 0.0, sigma ?? 1.0);

    /// <summary>Cauchy with location <paramref name="loc"/> and scale <paramref name="scale"/>.</summary>
    public static RealCauchy Cauchy(Real loc, Real scale) => new(loc, scale);

    /// <summary>Half-Cauchy with scale <paramref name="scale"/>.</summary>
    public static RealHalfCauchy HalfCauchy(Real scale) => new(scale);

    /// <summary>Laplace with location <paramref name="loc"/> and scale <paramref name="scale"/>.</summary>
    public static RealLaplace Laplace(Real loc, Real scale) => new(loc, scale);

    /// <summary>Exponential with rate <paramref name="rate"/>.</summary>
    public static RealExponential Exponential(Real rate) => new(rate);

    /// <summary>Gamma with shape <paramref name="shape"/> and rate <paramref name="rate"/>.</summary>
    public static RealGamma Gamma(Real shape, Real rate) => new(shape, rate);

    /// <summary>Inverse-gamma with shape <paramref name="shape"/> and scale <paramref name="scale"/>.</summary>
    public static RealInverseGamma InverseGamma(Real shape, Real scale) => new(shape, scale);

    /// <summary>Beta with shapes <paramref name="alpha"/> and <paramref name="beta"/>.</summary>
    public static RealBeta Beta(Real alpha, Real beta) => new(alpha, beta);

    /// <summary>Uniform on [<paramref name="lower"/>, <paramref name="upper"/>]; both bounds are differentiated through.</summary>
    public static RealUniform Uniform(Real lower, Real upper) => new(lower, upper);

    /// <summary>The improper flat prior on ℝ (log density 0).</summary>
    public static RealFlat Flat() => default;

    /// <summary>The improper flat prior on [0, ∞) (log density 0).</summary>
    public static RealHalfFlat HalfFlat() => default;

    /// <summary>Half-Student-t with <paramref name="nu"/> degrees of freedom and scale <paramref name="sigma"/>.</summary>
    public static RealHalfStudentT HalfStudentT(Real nu, Real sigma) => new(nu, sigma);

    /// <summary>Skew-normal with location <paramref name="xi"/>, scale <paramref name="omega"/> and shape <paramref name="alpha"/>.</summary>
    public static RealSkewNormal SkewNormal(Real xi, Real omega, Real alpha) => new(xi, omega, alpha);

    /// <summary>Von Mises with mean direction <paramref name="mu"/> and concentration <paramref name="kappa"/>.</summary>
    public static RealVonMises VonMises(Real mu, Real kappa) => new(mu, kappa);

    /// <summary>
    /// <paramref name="distribution"/> truncated to [<paramref name="lower"/>, <paramref name="upper"/>] and renormalised
    /// (an omitted bound is −∞ or +∞: one-sided truncation). The bounds are nullable only because a struct parameter
    /// cannot default to ±∞; a double or <see cref="Real"/> argument converts implicitly.
    /// </summary>
    public static RealTruncated<D> Truncated<D>(D distribution, Real? lower = null, Real? upper = null) where D : struct, IRealCdf =>
        new(distribution, lower ?? double.NegativeInfinity, upper ?? double.PositiveInfinity);

    // A base written with constant parameters stays the double family in a [Model]'s differentiable form
    // (Truncated(Normal(0, 1), lower: 0)): these overloads take it over as the Real family at those values.

    /// <summary>A truncated normal with constant parameters.</summary>
    public static RealTruncated<RealNormal> Truncated(Normal distribution, Real? lower = null, Real? upper = null) => Truncated(new RealNormal(distribution.Mu, distribution.Sigma), lower, upper);

    /// <summary>A truncated Student's t with constant parameters.</summary>
    public static RealTruncated<RealStudentT> Truncated(StudentT distribution, Real? lower = null, Real? upper = null) => Truncated(new RealStudentT(distribution.Nu, distribution.Mu, distribution.Sigma), lower, upper);

    /// <summary>A truncated Cauchy with constant parameters.</summary>
    public static RealTruncated<RealCauchy> Truncated(Cauchy distribution, Real? lower = null, Real? upper = null) => Truncated(new RealCauchy(distribution.Loc, distribution.Scale), lower, upper);

    /// <summary>A truncated Laplace with constant parameters.</summary>
    public static RealTruncated<RealLaplace> Truncated(Laplace distribution, Real? lower = null, Real? upper = null) => Truncated(new RealLaplace(distribution.Loc, distribution.Scale), lower, upper);

    /// <summary>A truncated exponential with a constant rate.</summary>
    public static RealTruncated<RealExponential> Truncated(Exponential distribution, Real? lower = null, Real? upper = null) => Truncated(new RealExponential(distribution.Rate), lower, upper);

    /// <summary>A truncated gamma with constant parameters.</summary>
    public static RealTruncated<RealGamma> Truncated(Gamma distribution, Real? lower = null, Real? upper = null) => Truncated(new RealGamma(distribution.Shape, distribution.Rate), lower, upper);

    /// <summary>A truncated inverse-gamma with constant parameters.</summary>
    public static RealTruncated<RealInverseGamma> Truncated(InverseGamma distribution, Real? lower = null, Real? upper = null) => Truncated(new RealInverseGamma(distribution.Shape, distribution.Scale), lower, upper);

    /// <summary>A truncated log-normal with constant parameters.</summary>
    public static RealTruncated<RealLogNormal> Truncated(LogNormal distribution, Real? lower = null, Real? upper = null) => Truncated(new RealLogNormal(distribution.Mu, distribution.Sigma), lower, upper);

    /// <summary>A truncated uniform with constant bounds.</summary>
    public static RealTruncated<RealUniform> Truncated(Uniform distribution, Real? lower = null, Real? upper = null) => Truncated(new RealUniform(distribution.Lower, distribution.Upper), lower, upper);

    /// <summary>A truncated half-normal with a constant scale.</summary>
    public static RealTruncated<RealHalfNormal> Truncated(HalfNormal distribution, Real? lower = null, Real? upper = null) => Truncated(new RealHalfNormal(distribution.Sigma), lower, upper);

    /// <summary>A truncated half-Cauchy with a constant scale.</summary>
    public static RealTruncated<RealHalfCauchy> Truncated(HalfCauchy distribution, Real? lower = null, Real? upper = null) => Truncated(new RealHalfCauchy(distribution.Scale), lower, upper);

    /// <summary>A truncated half-Student-t with constant parameters.</summary>
    public static RealTruncated<RealHalfStudentT> Truncated(HalfStudentT distribution, Real? lower = null, Real? upper = null) => Truncated(new RealHalfStudentT(distribution.Nu, distribution.Sigma), lower, upper);

    /// <summary>Bernoulli with P(true) = <paramref name="p"/>.</summary>
    public static RealBernoulli Bernoulli(Real p) => new(p);

    /// <summary>Bernoulli with log-odds <paramref name="logit"/> of true.</summary>
    public static RealBernoulliLogit BernoulliLogit(Real logit) => new(logit);

    /// <summary>Binomial with <paramref name="n"/> trials of probability <paramref name="p"/>.</summary>
    public static RealBinomial Binomial(int n, Real p) => new(n, p);

    /// <summary>Binomial with <paramref name="n"/> trials of log-odds <paramref name="logit"/>.</summary>
    public static RealBinomialLogit BinomialLogit(int n, Real logit) => new(n, logit);

    /// <summary>Categorical over 0 … K − 1 with probabilities <paramref name="probs"/> (not copied).</summary>
    public static RealCategorical Categorical(Real[] probs) => new(probs);

    /// <summary>Poisson with rate <paramref name="rate"/>.</summary>
    public static RealPoisson Poisson(Real rate) => new(rate);

    /// <summary>Poisson with log rate <paramref name="logRate"/>.</summary>
    public static RealPoissonLog PoissonLog(Real logRate) => new(logRate);

    /// <summary>Negative binomial: failures before the <paramref name="r"/>-th success, success probability <paramref name="p"/>.</summary>
    public static RealNegativeBinomial NegativeBinomial(Real r, Real p) => new(r, p);

    /// <summary>Geometric: failures before the first success, success probability <paramref name="p"/>.</summary>
    public static RealGeometric Geometric(Real p) => new(p);

    /// <summary>Uniform on the integers <paramref name="lower"/> … <paramref name="upper"/> (no real parameter).</summary>
    public static RealDiscreteUniform DiscreteUniform(int lower, int upper) => new(lower, upper);
}

/// <summary>Tape nodes and support maps shared by the <see cref="Real"/> families.</summary>
internal static class RealFamilies
{
    /// <summary>½ log 2π.</summary>
    public const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>
    /// A value with four parents: one node when at most three of them are on the tape, else two (the
    /// second passes the first on with derivative 1, as <see cref="Real.FromPartials"/> does).
    /// </summary>
    public static Real Quaternary(double value, in Real a, double da, in Real b, double db, in Real c, double dc, in Real d, double dd)
    {
        if (d.Index == 0) return Real.Ternary(value, a, da, b, db, c, dc);
        if (a.Index == 0) return Real.Ternary(value, b, db, c, dc, d, dd);
        if (b.Index == 0) return Real.Ternary(value, a, da, c, dc, d, dd);
        if (c.Index == 0) return Real.Ternary(value, a, da, b, db, d, dd);
        var tape = Tape.Current;
        var first = tape.Push(a.Index, da, b.Index, db, c.Index, dc);
        return new Real(value, tape.Push(first, 1.0, d.Index, dd, 0, 0));
    }

    /// <summary>
    /// x = 0 + eᵘ onto (0, ∞), the map of <c>LowerBoundBijector.Positive</c>, adding log |dx/du| = u to
    /// <paramref name="logJacobian"/>.
    /// </summary>
    public static Real ConstrainPositive(in Real u, ref Real logJacobian)
    {
        var e = Math.Exp(u.Value);
        logJacobian = Real.Binary(logJacobian.Value + u.Value, logJacobian, 1.0, u, 1.0);
        return Real.Unary(0.0 + e, u, e);
    }

    /// <summary>x = lower + eᵘ onto (lower, ∞), the map of <c>LowerBoundBijector</c>, adding u to <paramref name="logJacobian"/>; differentiated in the bound too.</summary>
    public static Real ConstrainLower(in Real u, in Real lower, ref Real logJacobian)
    {
        var e = Math.Exp(u.Value);
        logJacobian = Real.Binary(logJacobian.Value + u.Value, logJacobian, 1.0, u, 1.0);
        return Real.Binary(lower.Value + e, u, e, lower, 1.0);
    }

    /// <summary>x = upper − eᵘ onto (−∞, upper), the map of <c>UpperBoundBijector</c>, adding u to <paramref name="logJacobian"/>; differentiated in the bound too.</summary>
    public static Real ConstrainUpper(in Real u, in Real upper, ref Real logJacobian)
    {
        var e = Math.Exp(u.Value);
        logJacobian = Real.Binary(logJacobian.Value + u.Value, logJacobian, 1.0, u, 1.0);
        return Real.Binary(upper.Value - e, u, -e, upper, 1.0);
    }

    /// <summary>
    /// A log CDF (or log survival function) of a location-scale family at z = (x − loc)/scale as one node: value
    /// <paramref name="value"/>, <paramref name="dz"/> its derivative in z. A value or derivative that is not finite (x
    /// at ±∞, or a CDF of exactly 0) carries no derivative.
    /// </summary>
    public static Real LocationScale(double value, double dz, in Real x, in Real loc, in Real scale, double z, double scaleValue)
    {
        if (!double.IsFinite(value) || !double.IsFinite(dz) || !double.IsFinite(z)) return value;
        var inv = 1.0 / scaleValue;
        return Real.Ternary(value, x, dz * inv, loc, -dz * inv, scale, -dz * z * inv);
    }

    /// <summary>A node whose value or partials are not finite carries none: a constant (a log CDF of 0 or 1 at an end of the support).</summary>
    public static bool Degenerate(double value, double a, double b = 0, double c = 0) =>
        !double.IsFinite(value) || !double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c);

    /// <summary>The inverse of <see cref="ConstrainPositive"/>: log(x − 0).</summary>
    public static double UnconstrainPositive(double x) => Math.Log(x - 0.0);

    /// <summary>
    /// x = lower + (upper − lower)·σ(u) onto (lower, upper), the map of <c>IntervalBijector</c>, adding
    /// log |dx/du| = log(upper − lower) + log σ(u) + log(1 − σ(u)) = log(upper − lower) − softplus(−u) − softplus(u)
    /// to <paramref name="logJacobian"/>. Both are differentiated in u and in the bounds.
    /// </summary>
    public static Real ConstrainInterval(in Real u, in Real lower, in Real upper, ref Real logJacobian)
    {
        var uv = u.Value;
        // One exponential serves both σ(±u) and both softplus(±u), with the same branches as MathUtil's
        // Logistic and SoftPlus, so the values are those of the double bijector to the bit.
        var e = Math.Exp(-Math.Abs(uv));
        var l1p = MathUtil.Log1p(e);
        double s, sc;
        if (uv >= 0)
        {
            s = 1.0 / (1.0 + e);
            sc = e / (1.0 + e);
        }
        else
        {
            s = e / (1.0 + e);
            sc = 1.0 / (1.0 + e);
        }
        var softplusPlus = uv > 0 ? uv + l1p : l1p;      // softplus(u)
        var softplusMinus = -uv > 0 ? -uv + l1p : l1p;   // softplus(−u)
        var width = upper.Value - lower.Value;
        var x = lower.Value + width * s;
        var term = Math.Log(width) - softplusMinus - softplusPlus;
        var invWidth = 1.0 / width;
        logJacobian = Quaternary(logJacobian.Value + term, logJacobian, 1.0, u, sc - s, lower, -invWidth, upper, invWidth);
        return Real.Ternary(x, u, width * s * sc, lower, sc, upper, s);
    }

    /// <summary>The inverse of <see cref="ConstrainInterval"/>: logit((x − lower) / (upper − lower)).</summary>
    public static double UnconstrainInterval(double x, double lower, double upper)
    {
        var p = (x - lower) / (upper - lower);
        return Math.Log(p) - MathUtil.Log1p(-p);
    }

    /// <summary>x / y, and 0 when x = 0: the derivative in y of <c>MathUtil.XLogY(x, y)</c>, which is 0 when x = 0.</summary>
    public static double XOverY(double x, double y) => x == 0 ? 0.0 : x / y;
}
