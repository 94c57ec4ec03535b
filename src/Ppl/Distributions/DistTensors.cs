using TorchSharp;
using T = Ppl.Distributions.Tensors;

namespace Ppl;

/// <summary>Factories for the distribution families; this part holds the tensor overloads.</summary>
public static partial class Dist
{
    /// <summary>Tensor normal distributions N(mu, sigma²).</summary>
    public static T.Normal Normal(torch.Tensor mu, torch.Tensor sigma) => new(mu, sigma);

    /// <summary>Tensor half-normal distributions with scale sigma.</summary>
    public static T.HalfNormal HalfNormal(torch.Tensor sigma) => new(sigma);

    /// <summary>Tensor log-normal distributions.</summary>
    public static T.LogNormal LogNormal(torch.Tensor mu, torch.Tensor sigma) => new(mu, sigma);

    /// <summary>Tensor Student-t distributions.</summary>
    public static T.StudentT StudentT(torch.Tensor nu, torch.Tensor mu, torch.Tensor sigma) => new(nu, mu, sigma);

    /// <summary>Tensor Cauchy distributions.</summary>
    public static T.Cauchy Cauchy(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>Tensor half-Cauchy distributions.</summary>
    public static T.HalfCauchy HalfCauchy(torch.Tensor scale) => new(scale);

    /// <summary>Tensor Laplace distributions.</summary>
    public static T.Laplace Laplace(torch.Tensor loc, torch.Tensor scale) => new(loc, scale);

    /// <summary>Tensor half-Student-t distributions: |X| for X ~ StudentT(nu, 0, sigma).</summary>
    public static T.HalfStudentT HalfStudentT(torch.Tensor nu, torch.Tensor sigma) => new(nu, sigma);

    /// <summary>Tensor skew-normal distributions with location xi, scale omega and shape alpha.</summary>
    public static T.SkewNormal SkewNormal(torch.Tensor xi, torch.Tensor omega, torch.Tensor alpha) => new(xi, omega, alpha);

    /// <summary>Tensor von Mises distributions of angles with mean direction mu and concentration kappa.</summary>
    public static T.VonMises VonMises(torch.Tensor mu, torch.Tensor kappa) => new(mu, kappa);

    /// <summary>A batch of improper flat priors on ℝ (log density 0; sampling throws).</summary>
    public static T.Flat Flat(long[] batchShape, torch.ScalarType? dtype = null, torch.Device? device = null) => new(batchShape, dtype, device);

    /// <summary>A batch of improper flat priors on [0, ∞) (log density 0 there; sampling throws).</summary>
    public static T.HalfFlat HalfFlat(long[] batchShape, torch.ScalarType? dtype = null, torch.Device? device = null) => new(batchShape, dtype, device);

    /// <summary>Tensor exponential distributions.</summary>
    public static T.Exponential Exponential(torch.Tensor rate) => new(rate);

    /// <summary>Tensor gamma distributions with shape and rate.</summary>
    public static T.Gamma Gamma(torch.Tensor alpha, torch.Tensor rate) => new(alpha, rate);

    /// <summary>Tensor inverse-gamma distributions with shape and scale.</summary>
    public static T.InverseGamma InverseGamma(torch.Tensor alpha, torch.Tensor beta) => new(alpha, beta);

    /// <summary>Tensor beta distributions.</summary>
    public static T.Beta Beta(torch.Tensor alpha, torch.Tensor beta) => new(alpha, beta);

    /// <summary>Tensor uniform distributions on [low, high).</summary>
    public static T.Uniform Uniform(torch.Tensor low, torch.Tensor high) => new(low, high);

    /// <summary>Tensor uniform distributions on the integers lower, …, upper.</summary>
    public static T.DiscreteUniform DiscreteUniform(torch.Tensor lower, torch.Tensor upper) => new(lower, upper);

    /// <summary>
    /// Tensor truncations of a univariate family with a log CDF (e.g. <see cref="T.Normal"/>) to [lower, upper];
    /// −∞/+∞ for no bound.
    /// </summary>
    public static T.Truncated<D> Truncated<D>(D distribution, torch.Tensor lower, torch.Tensor upper) where D : T.TensorDistribution, T.ITensorCdf =>
        new(distribution, lower, upper);

    /// <summary>Tensor Bernoulli distributions with success probabilities.</summary>
    public static T.Bernoulli Bernoulli(torch.Tensor probs) => new(probs: probs);

    /// <summary>Tensor Bernoulli distributions with log-odds.</summary>
    public static T.Bernoulli BernoulliLogits(torch.Tensor logits) => new(logits: logits);

    /// <summary>Tensor Bernoulli distributions with log-odds: the batched form of the scalar <see cref="BernoulliLogit(double)"/>.</summary>
    public static T.Bernoulli BernoulliLogit(torch.Tensor logit) => new(logits: logit);

    /// <summary>Tensor binomial distributions.</summary>
    public static T.Binomial Binomial(torch.Tensor totalCount, torch.Tensor probs) => new(totalCount, probs: probs);

    /// <summary>Tensor binomial distributions with log-odds: the batched form of the scalar <see cref="BinomialLogit(int, double)"/>.</summary>
    public static T.Binomial BinomialLogit(torch.Tensor totalCount, torch.Tensor logit) => new(totalCount, logits: logit);

    /// <summary>Tensor categorical distributions from probabilities (last dimension).</summary>
    public static T.Categorical Categorical(torch.Tensor probs) => new(probs: probs);

    /// <summary>Tensor categorical distributions from logits (last dimension).</summary>
    public static T.Categorical CategoricalLogits(torch.Tensor logits) => new(logits: logits);

    /// <summary>Tensor Poisson distributions.</summary>
    public static T.Poisson Poisson(torch.Tensor rate) => new(rate);

    /// <summary>Tensor Poisson distributions with log rates: the batched form of the scalar <see cref="PoissonLog(double)"/>.</summary>
    public static T.Poisson PoissonLog(torch.Tensor logRate) => new(torch.exp(logRate));

    /// <summary>Tensor negative binomial distributions (successes before totalCount failures).</summary>
    public static T.NegativeBinomial NegativeBinomial(torch.Tensor totalCount, torch.Tensor probs) => new(totalCount, probs: probs);

    /// <summary>Tensor geometric distributions (failures before the first success).</summary>
    public static T.Geometric Geometric(torch.Tensor probs) => new(probs);

    /// <summary>Tensor Dirichlet distributions.</summary>
    public static T.Dirichlet Dirichlet(torch.Tensor concentration) => new(concentration);

    /// <summary>Tensor multivariate normals from mean and covariance Cholesky factor.</summary>
    public static T.MvNormal MvNormal(torch.Tensor loc, torch.Tensor scaleTril) => new(loc, scaleTril);

    /// <summary>Tensor multinomial distributions.</summary>
    public static T.Multinomial Multinomial(int totalCount, torch.Tensor probs) => new(totalCount, probs);

    /// <summary>Tensor LKJ distributions over Cholesky factors of correlation matrices.</summary>
    public static T.LkjCholesky LkjCholesky(int dimension, torch.Tensor concentration) => new(dimension, concentration);

    /// <summary>A batch of uniform distributions on the unit sphere in ℝ^dimension (over the last dimension).</summary>
    public static T.UnitVector UnitVector(long dimension, long[] batchShape, torch.ScalarType? dtype = null, torch.Device? device = null) =>
        new(dimension, batchShape, dtype, device);

    /// <summary>Tensor von Mises–Fisher distributions on the unit sphere: mean directions mu (batch + [n]) and concentrations kappa (batch).</summary>
    public static T.VonMisesFisher VonMisesFisher(torch.Tensor mu, torch.Tensor kappa) => new(mu, kappa);

    /// <summary>Tensor Wishart distributions with degrees of freedom nu and the Cholesky factor of the scale.</summary>
    public static T.Wishart Wishart(torch.Tensor nu, torch.Tensor scaleTril) => new(nu, scaleTril);

    /// <summary>Tensor inverse-Wishart distributions with degrees of freedom nu and the Cholesky factor of the scale.</summary>
    public static T.InverseWishart InverseWishart(torch.Tensor nu, torch.Tensor scaleTril) => new(nu, scaleTril);

    /// <summary>A mixture of a batched component distribution.</summary>
    public static T.Mixture Mixture(T.Categorical mixing, T.TensorDistribution components) => new(mixing, components);

    /// <summary>Tensor point masses.</summary>
    public static T.Delta Delta(torch.Tensor value, int eventDims = 0) => new(value, eventDims);

    /// <summary>Gaussian mixtures with weights, means and covariance Cholesky factors.</summary>
    public static T.Gmm Gmm(torch.Tensor weights, torch.Tensor means, torch.Tensor scaleTrils) => new(weights, means, scaleTrils);
}
