using Ppl.Distributions;

namespace Ppl;

// The vectorised and fused families: one site observes a whole vector (Stan's vectorised statements and GLMs).
public static partial class Dist
{
    /// <summary>Independent normals N(μᵢ, σ²), one per element of <paramref name="mu"/>, sharing the scale σ.</summary>
    public static IndependentNormal IndependentNormal(double[] mu, double sigma) => new(mu, sigma);

    /// <summary>Independent normals N(μᵢ, σᵢ²), one per element.</summary>
    public static IndependentNormal IndependentNormal(double[] mu, double[] sigma) => new(mu, sigma);

    /// <summary>Normal linear regression yᵢ ~ N(α + xᵢ·β, σ²) over the rows of <paramref name="x"/> (Stan's <c>normal_id_glm</c>).</summary>
    public static NormalIdGlm NormalIdGlm(double[][] x, double alpha, double[] beta, double sigma) => new(x, alpha, beta, sigma);

    /// <summary>Logistic regression yᵢ ~ Bernoulli(logistic(α + xᵢ·β)) over the rows of <paramref name="x"/> (Stan's <c>bernoulli_logit_glm</c>).</summary>
    public static BernoulliLogitGlm BernoulliLogitGlm(double[][] x, double alpha, double[] beta) => new(x, alpha, beta);

    /// <summary>Poisson regression yᵢ ~ Poisson(exp(α + xᵢ·β)) over the rows of <paramref name="x"/> (Stan's <c>poisson_log_glm</c>).</summary>
    public static PoissonLogGlm PoissonLogGlm(double[][] x, double alpha, double[] beta) => new(x, alpha, beta);

    /// <summary>Negative-binomial regression yᵢ ~ NB2(exp(α + xᵢ·β), φ) over the rows of <paramref name="x"/> (Stan's <c>neg_binomial_2_log_glm</c>).</summary>
    public static NegBinomial2LogGlm NegBinomial2LogGlm(double[][] x, double alpha, double[] beta, double phi) => new(x, alpha, beta, phi);

    /// <summary>
    /// The ordered vector of <paramref name="length"/> independent draws from <paramref name="distribution"/> (their order
    /// statistics; Stan's <c>ordered</c>, or <c>positive_ordered</c> with a base on [0, ∞)): a choice of it is a
    /// strictly increasing vector.
    /// </summary>
    public static Ordered<D> Ordered<D>(D distribution, int length) where D : struct, IDistribution<double> => new(distribution, length);
}
