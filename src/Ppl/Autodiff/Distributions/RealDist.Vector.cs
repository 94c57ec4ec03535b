using Ppl.Distributions;

namespace Ppl.Autodiff;

// The vectorised and fused families over Real, mirroring Dist's (DistVector.cs): a location, a scale or coefficients
// are tape arrays (random) or data arrays, so the differentiable form passes whichever the model holds, unchanged.
public static partial class RealDist
{
    /// <summary>Independent normals with random locations and a shared scale.</summary>
    public static RealIndependentNormal IndependentNormal(Real[] mu, Real sigma) => new(mu, null, sigma, null, null);

    /// <summary>Independent normals with data locations and a shared scale.</summary>
    public static RealIndependentNormal IndependentNormal(double[] mu, Real sigma) => new(null, mu, sigma, null, null);

    /// <summary>Independent normals with random locations and random scales.</summary>
    public static RealIndependentNormal IndependentNormal(Real[] mu, Real[] sigma) => new(mu, null, default, sigma, null);

    /// <summary>Independent normals with data locations and random scales.</summary>
    public static RealIndependentNormal IndependentNormal(double[] mu, Real[] sigma) => new(null, mu, default, sigma, null);

    /// <summary>Independent normals with random locations and data scales.</summary>
    public static RealIndependentNormal IndependentNormal(Real[] mu, double[] sigma) => new(mu, null, default, null, sigma);

    /// <summary>Independent normals with data locations and data scales (a site whose parameters are all data).</summary>
    public static RealIndependentNormal IndependentNormal(double[] mu, double[] sigma) => new(null, mu, default, null, sigma);

    /// <summary>Normal linear regression with random coefficients.</summary>
    public static RealNormalIdGlm NormalIdGlm(double[][] x, Real alpha, Real[] beta, Real sigma) => new(x, alpha, beta, null, sigma);

    /// <summary>Normal linear regression with data coefficients.</summary>
    public static RealNormalIdGlm NormalIdGlm(double[][] x, Real alpha, double[] beta, Real sigma) => new(x, alpha, null, beta, sigma);

    /// <summary>Logistic regression with random coefficients.</summary>
    public static RealBernoulliLogitGlm BernoulliLogitGlm(double[][] x, Real alpha, Real[] beta) => new(x, alpha, beta, null);

    /// <summary>Logistic regression with data coefficients.</summary>
    public static RealBernoulliLogitGlm BernoulliLogitGlm(double[][] x, Real alpha, double[] beta) => new(x, alpha, null, beta);

    /// <summary>Poisson regression with random coefficients.</summary>
    public static RealPoissonLogGlm PoissonLogGlm(double[][] x, Real alpha, Real[] beta) => new(x, alpha, beta, null);

    /// <summary>Poisson regression with data coefficients.</summary>
    public static RealPoissonLogGlm PoissonLogGlm(double[][] x, Real alpha, double[] beta) => new(x, alpha, null, beta);

    /// <summary>Negative-binomial regression with random coefficients.</summary>
    public static RealNegBinomial2LogGlm NegBinomial2LogGlm(double[][] x, Real alpha, Real[] beta, Real phi) => new(x, alpha, beta, null, phi);

    /// <summary>Negative-binomial regression with data coefficients.</summary>
    public static RealNegBinomial2LogGlm NegBinomial2LogGlm(double[][] x, Real alpha, double[] beta, Real phi) => new(x, alpha, null, beta, phi);
}
