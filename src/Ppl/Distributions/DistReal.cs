using Ppl.Autodiff;

namespace Ppl;

// Overloads over Real of the families that can be truncated. A [Model] writes Truncated(Normal(mu, 1), 0, 5); its
// differentiable form turns the outer call into RealDist.Truncated and keeps the inner one as written, with mu now a
// Real: these overloads make that inner call the differentiable family (the form's generator calls a method's
// overload over Real for random arguments). With double arguments the double overloads are chosen, as before.
public static partial class Dist
{
    /// <summary>N(<paramref name="mu"/>, <paramref name="sigma"/>²) over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealNormal Normal(Real mu, Real sigma) => new(mu, sigma);

    /// <summary>Half-normal over a <see cref="Real"/> scale (the differentiable family).</summary>
    public static RealHalfNormal HalfNormal(Real sigma) => new(sigma);

    /// <summary>Log-normal over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealLogNormal LogNormal(Real mu, Real sigma) => new(mu, sigma);

    /// <summary>Student's t over <see cref="Real"/> parameters (the differentiable family; all three given).</summary>
    public static RealStudentT StudentT(Real nu, Real mu, Real sigma) => new(nu, mu, sigma);

    /// <summary>Cauchy over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealCauchy Cauchy(Real loc, Real scale) => new(loc, scale);

    /// <summary>Half-Cauchy over a <see cref="Real"/> scale (the differentiable family).</summary>
    public static RealHalfCauchy HalfCauchy(Real scale) => new(scale);

    /// <summary>Laplace over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealLaplace Laplace(Real loc, Real scale) => new(loc, scale);

    /// <summary>Exponential over a <see cref="Real"/> rate (the differentiable family).</summary>
    public static RealExponential Exponential(Real rate) => new(rate);

    /// <summary>Gamma over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealGamma Gamma(Real shape, Real rate) => new(shape, rate);

    /// <summary>Inverse-gamma over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealInverseGamma InverseGamma(Real shape, Real scale) => new(shape, scale);

    /// <summary>Uniform over <see cref="Real"/> bounds (the differentiable family).</summary>
    public static RealUniform Uniform(Real lower, Real upper) => new(lower, upper);

    /// <summary>Half-Student-t over <see cref="Real"/> parameters (the differentiable family).</summary>
    public static RealHalfStudentT HalfStudentT(Real nu, Real sigma) => new(nu, sigma);
}
