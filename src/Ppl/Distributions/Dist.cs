using Ppl.Distributions;

namespace Ppl;

/// <summary>
/// Factories for every distribution family, so that model code reads <c>Sample(Normal(0, 1))</c> after
/// <c>using static Ppl.Dist;</c>. Each returns the family's struct; parameters are checked when the
/// distribution is used.
/// </summary>
public static partial class Dist
{
    /// <summary>N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    public static Normal Normal(double mu, double sigma) => new(mu, sigma);

    /// <summary>Half-normal with scale <paramref name="sigma"/>.</summary>
    public static HalfNormal HalfNormal(double sigma) => new(sigma);

    /// <summary>Log-normal: exp of N(<paramref name="mu"/>, <paramref name="sigma"/>²).</summary>
    public static LogNormal LogNormal(double mu, double sigma) => new(mu, sigma);

    /// <summary>Student's t with <paramref name="nu"/> degrees of freedom, location <paramref name="mu"/> and scale <paramref name="sigma"/>.</summary>
    public static StudentT StudentT(double nu, double mu = 0, double sigma = 1) => new(nu, mu, sigma);

    /// <summary>Cauchy with location <paramref name="loc"/> and scale <paramref name="scale"/>.</summary>
    public static Cauchy Cauchy(double loc, double scale) => new(loc, scale);

    /// <summary>Half-Cauchy with scale <paramref name="scale"/>.</summary>
    public static HalfCauchy HalfCauchy(double scale) => new(scale);

    /// <summary>Laplace with location <paramref name="loc"/> and scale <paramref name="scale"/>.</summary>
    public static Laplace Laplace(double loc, double scale) => new(loc, scale);

    /// <summary>Exponential with rate <paramref name="rate"/>.</summary>
    public static Exponential Exponential(double rate) => new(rate);

    /// <summary>Gamma with shape <paramref name="shape"/> and rate <paramref name="rate"/>.</summary>
    public static Gamma Gamma(double shape, double rate) => new(shape, rate);

    /// <summary>Inverse-gamma with shape <paramref name="shape"/> and scale <paramref name="scale"/>.</summary>
    public static InverseGamma InverseGamma(double shape, double scale) => new(shape, scale);

    /// <summary>Beta with shapes <paramref name="alpha"/> and <paramref name="beta"/>.</summary>
    public static Beta Beta(double alpha, double beta) => new(alpha, beta);

    /// <summary>Uniform on [<paramref name="lower"/>, <paramref name="upper"/>].</summary>
    public static Uniform Uniform(double lower, double upper) => new(lower, upper);

    /// <summary>The improper flat prior on ℝ (log density 0; cannot be sampled: for posteriors that are proper).</summary>
    public static Flat Flat() => default;

    /// <summary>The improper flat prior on [0, ∞) (log density 0; cannot be sampled: for posteriors that are proper).</summary>
    public static HalfFlat HalfFlat() => default;

    /// <summary>Half-Student-t with <paramref name="nu"/> degrees of freedom and scale <paramref name="sigma"/>.</summary>
    public static HalfStudentT HalfStudentT(double nu, double sigma) => new(nu, sigma);

    /// <summary>Skew-normal with location <paramref name="xi"/>, scale <paramref name="omega"/> and shape <paramref name="alpha"/>.</summary>
    public static SkewNormal SkewNormal(double xi, double omega, double alpha) => new(xi, omega, alpha);

    /// <summary>Von Mises with mean direction <paramref name="mu"/> and concentration <paramref name="kappa"/>.</summary>
    public static VonMises VonMises(double mu, double kappa) => new(mu, kappa);

    /// <summary>
    /// <paramref name="distribution"/> truncated to [<paramref name="lower"/>, <paramref name="upper"/>] and renormalised
    /// exactly; an omitted bound is −∞ or +∞ (one-sided truncation).
    /// </summary>
    public static Truncated<D> Truncated<D>(D distribution, double lower = double.NegativeInfinity, double upper = double.PositiveInfinity) where D : IHasCdf =>
        new(distribution, lower, upper);

    /// <summary>Bernoulli with P(true) = <paramref name="p"/>.</summary>
    public static Bernoulli Bernoulli(double p) => new(p);

    /// <summary>Bernoulli with log-odds <paramref name="logit"/> of true (Stan's <c>bernoulli_logit</c>): P(true) = σ(logit).</summary>
    public static BernoulliLogit BernoulliLogit(double logit) => new(logit);

    /// <summary>Binomial with <paramref name="n"/> trials of probability <paramref name="p"/>.</summary>
    public static Binomial Binomial(int n, double p) => new(n, p);

    /// <summary>Binomial with <paramref name="n"/> trials of log-odds <paramref name="logit"/> (Stan's <c>binomial_logit</c>).</summary>
    public static BinomialLogit BinomialLogit(int n, double logit) => new(n, logit);

    /// <summary>Categorical over 0 … K − 1 with probabilities <paramref name="probs"/> (not copied).</summary>
    public static Categorical Categorical(double[] probs) => new(probs);

    /// <summary>Categorical with probabilities proportional to exp(<paramref name="logWeights"/>).</summary>
    public static Categorical CategoricalFromLogWeights(ReadOnlySpan<double> logWeights) => Distributions.Categorical.FromLogWeights(logWeights);

    /// <summary>Poisson with rate <paramref name="rate"/>.</summary>
    public static Poisson Poisson(double rate) => new(rate);

    /// <summary>Poisson with log rate <paramref name="logRate"/> (Stan's <c>poisson_log</c>): rate e^(logRate).</summary>
    public static PoissonLog PoissonLog(double logRate) => new(logRate);

    /// <summary>Negative binomial: failures before the <paramref name="r"/>-th success, success probability <paramref name="p"/>.</summary>
    public static NegativeBinomial NegativeBinomial(double r, double p) => new(r, p);

    /// <summary>Geometric: failures before the first success, success probability <paramref name="p"/>.</summary>
    public static Geometric Geometric(double p) => new(p);

    /// <summary>Uniform on the integers <paramref name="lower"/> … <paramref name="upper"/>.</summary>
    public static DiscreteUniform DiscreteUniform(int lower, int upper) => new(lower, upper);

    /// <summary>Dirichlet with concentrations <paramref name="alpha"/> (not copied).</summary>
    public static Dirichlet Dirichlet(double[] alpha) => new(alpha);

    /// <summary>Multivariate normal with mean <paramref name="mean"/> and covariance <paramref name="covariance"/>.</summary>
    public static MvNormal MvNormal(double[] mean, double[,] covariance) => new(mean, covariance);

    /// <summary>Multivariate normal with mean <paramref name="mean"/> and covariance LLᵀ for the lower-triangular <paramref name="choleskyFactor"/>.</summary>
    public static MvNormal MvNormalCholesky(double[] mean, double[,] choleskyFactor) => Distributions.MvNormal.FromCholesky(mean, choleskyFactor);

    /// <summary>Multinomial counts of <paramref name="n"/> draws with probabilities <paramref name="probs"/>.</summary>
    public static Multinomial Multinomial(int n, double[] probs) => new(n, probs);

    /// <summary>LKJ over Cholesky factors of <paramref name="dimension"/>×<paramref name="dimension"/> correlation matrices with shape <paramref name="eta"/>.</summary>
    public static LkjCholesky LkjCholesky(int dimension, double eta) => new(dimension, eta);

    /// <summary>Inverse-Wishart over covariance matrices with <paramref name="nu"/> degrees of freedom and scale <paramref name="scale"/> (not copied).</summary>
    public static InverseWishart InverseWishart(double nu, double[,] scale) => new(nu, scale);

    /// <summary>Wishart over symmetric positive-definite matrices with <paramref name="nu"/> degrees of freedom and scale <paramref name="scale"/> (not copied).</summary>
    public static Wishart Wishart(double nu, double[,] scale) => new(nu, scale);

    /// <summary>
    /// The Cholesky factor L of a Wishart(<paramref name="nu"/>, S) matrix LLᵀ, with the scale given by its Cholesky factor
    /// <paramref name="scaleCholesky"/> (S = L_S L_Sᵀ; not copied): Stan's <c>wishart_cholesky</c>.
    /// </summary>
    public static WishartCholesky WishartCholesky(double nu, double[,] scaleCholesky) => new(nu, scaleCholesky);

    /// <summary>
    /// The Cholesky factor L of an inverse-Wishart(<paramref name="nu"/>, Ψ) matrix LLᵀ, with the scale given by its
    /// Cholesky factor <paramref name="scaleCholesky"/> (Ψ = L_Ψ L_Ψᵀ; not copied): Stan's <c>inv_wishart_cholesky</c>.
    /// </summary>
    public static InverseWishartCholesky InverseWishartCholesky(double nu, double[,] scaleCholesky) => new(nu, scaleCholesky);

    /// <summary>Uniform on the unit sphere in ℝ^<paramref name="dimension"/> (a unit-vector choice).</summary>
    public static UnitVector UnitVector(int dimension) => new(dimension);

    /// <summary>Von Mises–Fisher on the unit sphere with mean direction <paramref name="mu"/> (a unit vector, not copied) and concentration <paramref name="kappa"/>.</summary>
    public static VonMisesFisher VonMisesFisher(double[] mu, double kappa) => new(mu, kappa);

    /// <summary>The mixture of <paramref name="components"/> with <paramref name="weights"/>.</summary>
    public static Mixture<T> Mixture<T>(double[] weights, params IDistribution<T>[] components) => new(weights, components);

    /// <summary>The point mass at <paramref name="value"/>.</summary>
    public static Delta Delta(double value) => new(value);

    /// <summary>A Gaussian mixture over ℝᵈ from weights, means and covariances.</summary>
    public static Gmm Gmm(double[] weights, double[][] means, double[][,] covariances) => new(weights, means, covariances);
}
