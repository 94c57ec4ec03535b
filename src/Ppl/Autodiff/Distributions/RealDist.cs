namespace Ppl.Autodiff;

/// <summary>
/// Factories for the scalar families over <see cref="Real"/> parameters: the differentiable counterpart of
/// <c>Ppl.Dist</c>. Each method has the name, parameter names, order and defaults of the <c>Dist</c> method it
/// mirrors, with <see cref="Real"/> for every real parameter (int parameters stay int), so that a call
/// <c>Dist.Normal(mu: a, sigma: b)</c> can be rewritten textually into <c>RealDist.Normal(mu: a, sigma: b)</c>.
/// Doubles convert implicitly to constant <see cref="Real"/>s. Parameters are checked when the distribution is
/// used: an invalid one makes the log density NaN and <see cref="IRealDistribution.ParameterError"/> non-null.
/// </summary>
public static class RealDist
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

    /// <summary>Bernoulli with P(true) = <paramref name="p"/>.</summary>
    public static RealBernoulli Bernoulli(Real p) => new(p);

    /// <summary>Binomial with <paramref name="n"/> trials of probability <paramref name="p"/>.</summary>
    public static RealBinomial Binomial(int n, Real p) => new(n, p);

    /// <summary>Categorical over 0 … K − 1 with probabilities <paramref name="probs"/> (not copied).</summary>
    public static RealCategorical Categorical(Real[] probs) => new(probs);

    /// <summary>Poisson with rate <paramref name="rate"/>.</summary>
    public static RealPoisson Poisson(Real rate) => new(rate);

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
