using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>[Model] methods that observe whole vectors with the vectorised and fused families (GLMs, independent normals).</summary>
public static partial class VectorFamilyModels
{
    // Vector observations have no batched (tensor) form; these models test the differentiable form.
#pragma warning disable PPL0011
    /// <summary>Every vector family, each with parameters that are choices or depend on them (locations and scales as random arrays).</summary>
    [Model]
    public static double AllFamilies(double[][] x, double[] yNormal, bool[] yBinary, int[] counts, double[] yVector)
    {
        var alpha = Sample(Normal(0, 1));
        var beta = new double[x[0].Length];
        for (var j = 0; j < beta.Length; j++) beta[j] = Sample(Normal(0, 1), "beta", j);
        var sigma = Sample(HalfNormal(1));
        var phi = Sample(Gamma(2, 1));
        Observe(NormalIdGlm(x, alpha, beta, sigma), yNormal, "yn");
        Observe(BernoulliLogitGlm(x, alpha, beta), yBinary, "yb");
        Observe(PoissonLogGlm(x, 0.5 * alpha, beta), counts, "yp");
        Observe(NegBinomial2LogGlm(x, alpha, beta, phi), counts, "ynb");
        var location = new double[yVector.Length];
        var scale = new double[yVector.Length];
        for (var i = 0; i < yVector.Length; i++)
        {
            location[i] = alpha + beta[0] * i;
            scale[i] = sigma + 0.1 * i;
        }
        Observe(IndependentNormal(location, sigma), yVector, "v1");
        Observe(IndependentNormal(location, scale), yVector, "v2");
        return alpha;
    }

    /// <summary>Data coefficients and data locations beside random intercept and scale.</summary>
    [Model]
    public static double DataParameters(double[][] x, double[] beta, double[] yNormal, double[] mu, double[] yVector)
    {
        var alpha = Sample(Normal(0, 1));
        var sigma = Sample(HalfNormal(1));
        Observe(NormalIdGlm(x, alpha, beta, sigma), yNormal, "yn");
        Observe(IndependentNormal(mu, sigma), yVector, "v");
        return alpha;
    }

    /// <summary>Bayesian linear regression with a known noise scale: intercept and coefficients N(0, s0²), y ~ NormalIdGlm (conjugate).</summary>
    [Model]
    public static double Regression(double[][] x, double[] y, double s0, double sigma)
    {
        var alpha = Sample(Normal(0, s0));
        var beta = new double[x[0].Length];
        for (var j = 0; j < beta.Length; j++) beta[j] = Sample(Normal(0, s0), "beta", j);
        Observe(NormalIdGlm(x, alpha, beta, sigma), y, "y");
        return alpha;
    }

    /// <summary>A vectorised observation family sampled rather than observed: no differentiable form (vector choices are MvNormal, Dirichlet, Ordered…).</summary>
#pragma warning disable PPL0012 // on purpose: the test reads the reason
    [Model]
    public static double[] SampledVector(double[] mu)
    {
        var v = Sample(IndependentNormal(mu, 1));
        return v;
    }
#pragma warning restore PPL0012
#pragma warning restore PPL0011
}
