using Ppl.Distributions;

namespace Ppl.Autodiff;

// The vector-valued continuous families over Real, mirroring Dist's (same names and parameter names): the
// differentiable form rewrites Dirichlet(alpha), MvNormal(mean, covariance), MvNormalCholesky(mean, choleskyFactor),
// LkjCholesky(dimension, eta), InverseWishart and Wishart(nu, scale), their Cholesky forms
// WishartCholesky and InverseWishartCholesky(nu, scaleCholesky), UnitVector(dimension), VonMisesFisher(mu, kappa) and Ordered(distribution, length) at a site into these, with each array argument a tape
// array (random) or data, whichever the model holds.
public static partial class RealDist
{
    /// <summary>Dirichlet with random concentrations.</summary>
    public static RealDirichlet Dirichlet(Real[] alpha) => new(alpha, null);

    /// <summary>Dirichlet with data concentrations.</summary>
    public static RealDirichlet Dirichlet(double[] alpha) => new(null, alpha);

    /// <summary>N(mean, covariance) with a random mean and a data covariance.</summary>
    public static RealMvNormal MvNormal(Real[] mean, double[,] covariance) => new(mean, null, null, covariance, cholesky: false);

    /// <summary>N(mean, covariance) with a random mean and a random covariance (factored on the tape).</summary>
    public static RealMvNormal MvNormal(Real[] mean, Real[,] covariance) => new(mean, null, covariance, null, cholesky: false);

    /// <summary>N(mean, covariance) with a data mean and a random covariance.</summary>
    public static RealMvNormal MvNormal(double[] mean, Real[,] covariance) => new(null, mean, covariance, null, cholesky: false);

    /// <summary>N(mean, covariance) with a data mean and covariance (a choice whose prior is fixed).</summary>
    public static RealMvNormal MvNormal(double[] mean, double[,] covariance) => new(null, mean, null, covariance, cholesky: false);

    /// <summary>N(mean, LLᵀ) with a random mean and a data factor.</summary>
    public static RealMvNormal MvNormalCholesky(Real[] mean, double[,] choleskyFactor) => new(mean, null, null, choleskyFactor, cholesky: true);

    /// <summary>N(mean, LLᵀ) with a random mean and a random factor (e.g. diag(τ) times an LKJ-Cholesky draw).</summary>
    public static RealMvNormal MvNormalCholesky(Real[] mean, Real[,] choleskyFactor) => new(mean, null, choleskyFactor, null, cholesky: true);

    /// <summary>N(mean, LLᵀ) with a data mean and a random factor.</summary>
    public static RealMvNormal MvNormalCholesky(double[] mean, Real[,] choleskyFactor) => new(null, mean, choleskyFactor, null, cholesky: true);

    /// <summary>N(mean, LLᵀ) with a data mean and a data factor.</summary>
    public static RealMvNormal MvNormalCholesky(double[] mean, double[,] choleskyFactor) => new(null, mean, null, choleskyFactor, cholesky: true);

    /// <summary>Inverse-Wishart over covariance matrices with a data scale.</summary>
    public static RealInverseWishart InverseWishart(Real nu, double[,] scale) => new(nu, null, scale);

    /// <summary>Inverse-Wishart over covariance matrices with a random scale.</summary>
    public static RealInverseWishart InverseWishart(Real nu, Real[,] scale) => new(nu, scale, null);

    /// <summary>Wishart over symmetric positive-definite matrices with a data scale.</summary>
    public static RealWishart Wishart(Real nu, double[,] scale) => new(nu, null, scale);

    /// <summary>Wishart over symmetric positive-definite matrices with a random scale.</summary>
    public static RealWishart Wishart(Real nu, Real[,] scale) => new(nu, scale, null);

    /// <summary>The Cholesky factor of a Wishart matrix with a data scale factor.</summary>
    public static RealWishartCholesky WishartCholesky(Real nu, double[,] scaleCholesky) => new(nu, null, scaleCholesky);

    /// <summary>The Cholesky factor of a Wishart matrix with a random scale factor (e.g. diag(τ) times an LKJ-Cholesky draw).</summary>
    public static RealWishartCholesky WishartCholesky(Real nu, Real[,] scaleCholesky) => new(nu, scaleCholesky, null);

    /// <summary>The Cholesky factor of an inverse-Wishart matrix with a data scale factor.</summary>
    public static RealInverseWishartCholesky InverseWishartCholesky(Real nu, double[,] scaleCholesky) => new(nu, null, scaleCholesky);

    /// <summary>The Cholesky factor of an inverse-Wishart matrix with a random scale factor.</summary>
    public static RealInverseWishartCholesky InverseWishartCholesky(Real nu, Real[,] scaleCholesky) => new(nu, scaleCholesky, null);

    /// <summary>Uniform on the unit sphere in ℝ^<paramref name="dimension"/>.</summary>
    public static RealUnitVector UnitVector(int dimension) => new(dimension);

    /// <summary>Von Mises–Fisher with a random mean direction (e.g. a unit-vector choice).</summary>
    public static RealVonMisesFisher VonMisesFisher(Real[] mu, Real kappa) => new(mu, null, kappa);

    /// <summary>Von Mises–Fisher with a data mean direction.</summary>
    public static RealVonMisesFisher VonMisesFisher(double[] mu, Real kappa) => new(null, mu, kappa);

    /// <summary>LKJ over Cholesky factors of <paramref name="dimension"/>×<paramref name="dimension"/> correlation matrices with shape <paramref name="eta"/>.</summary>
    public static RealLkjCholesky LkjCholesky(int dimension, Real eta) => new(dimension, eta);

    /// <summary>The ordered vector of <paramref name="length"/> draws from a base over Real parameters (random ones).</summary>
    public static RealOrdered<D> Ordered<D>(D distribution, int length) where D : struct, IRealCdf => new(distribution, length);

    // A base written with constant parameters stays the double family in the differentiable form (Ordered(Normal(0, 1), 3)):
    // these overloads take it over as the Real family at those values, as Truncated's do.

    /// <summary>Ordered normals with constant parameters.</summary>
    public static RealOrdered<RealNormal> Ordered(Normal distribution, int length) => new(new RealNormal(distribution.Mu, distribution.Sigma), length);

    /// <summary>Ordered Student-t draws with constant parameters.</summary>
    public static RealOrdered<RealStudentT> Ordered(StudentT distribution, int length) => new(new RealStudentT(distribution.Nu, distribution.Mu, distribution.Sigma), length);

    /// <summary>Ordered Cauchy draws with constant parameters.</summary>
    public static RealOrdered<RealCauchy> Ordered(Cauchy distribution, int length) => new(new RealCauchy(distribution.Loc, distribution.Scale), length);

    /// <summary>Ordered Laplace draws with constant parameters.</summary>
    public static RealOrdered<RealLaplace> Ordered(Laplace distribution, int length) => new(new RealLaplace(distribution.Loc, distribution.Scale), length);

    /// <summary>Positive ordered exponential draws with a constant rate.</summary>
    public static RealOrdered<RealExponential> Ordered(Exponential distribution, int length) => new(new RealExponential(distribution.Rate), length);

    /// <summary>Positive ordered gamma draws with constant parameters.</summary>
    public static RealOrdered<RealGamma> Ordered(Gamma distribution, int length) => new(new RealGamma(distribution.Shape, distribution.Rate), length);

    /// <summary>Positive ordered log-normal draws with constant parameters.</summary>
    public static RealOrdered<RealLogNormal> Ordered(LogNormal distribution, int length) => new(new RealLogNormal(distribution.Mu, distribution.Sigma), length);

    /// <summary>Positive ordered half-normal draws with a constant scale.</summary>
    public static RealOrdered<RealHalfNormal> Ordered(HalfNormal distribution, int length) => new(new RealHalfNormal(distribution.Sigma), length);

    /// <summary>Positive ordered inverse-gamma draws with constant parameters.</summary>
    public static RealOrdered<RealInverseGamma> Ordered(InverseGamma distribution, int length) => new(new RealInverseGamma(distribution.Shape, distribution.Scale), length);

    /// <summary>Positive ordered half-Cauchy draws with a constant scale.</summary>
    public static RealOrdered<RealHalfCauchy> Ordered(HalfCauchy distribution, int length) => new(new RealHalfCauchy(distribution.Scale), length);

    /// <summary>Positive ordered half-Student-t draws with constant parameters.</summary>
    public static RealOrdered<RealHalfStudentT> Ordered(HalfStudentT distribution, int length) => new(new RealHalfStudentT(distribution.Nu, distribution.Sigma), length);

    /// <summary>Multinomial counts of <paramref name="n"/> draws with random probabilities (e.g. a Dirichlet choice).</summary>
    public static RealMultinomial Multinomial(int n, Real[] probs) => new(n, probs, null);

    /// <summary>Multinomial counts of <paramref name="n"/> draws with data probabilities.</summary>
    public static RealMultinomial Multinomial(int n, double[] probs) => new(n, null, probs);
}
