using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Batched.Generated;

/// <summary>
/// Scalar [Model] methods written once; the generator emits their batched forms (<c>…Batched</c>), which the
/// tests compare with the scalar generated functions site by site and with exact answers.
/// </summary>
public static partial class GeneratedBatchedModels
{
    /// <summary>Straight-line: two latents, one observation, arithmetic with doubles on both sides.</summary>
    [Model]
    public static double Line(double x)
    {
        var slope = Sample(Normal(0, 2));
        var intercept = Sample(Normal(1, 0.5));
        var mean = 2.0 * slope * x - intercept / 3.0 + 1;
        Observe(Normal(mean, 0.7), 0.4, "y");
        return mean;
    }

    /// <summary>Curve fitting: a family of weights and a family of observations in loops with static bounds (Horner's rule).</summary>
    [Model]
    public static double[] CurveFit(double[] xs, int degree)
    {
        var w = new double[degree + 1];
        for (var j = 0; j <= degree; j++) w[j] = Sample(Normal(0, 1), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            var mean = w[degree];
            for (var j = degree - 1; j >= 0; j--) mean = mean * xs[i] + w[j];
            _ = Sample(Normal(mean, 0.5), "y", i);
        }
        return w;
    }

    /// <summary>Math.* transforms of random values.</summary>
    [Model]
    public static double Transforms(double[] ys)
    {
        var logSigma = Sample(Normal(0, 0.5));
        var sigma = Math.Exp(logSigma);
        var mu = Sample(Normal(0, 1));
        var shift = Math.Sqrt(Math.Abs(mu)) + Math.Pow(mu, 2) - Math.Log(1 + sigma) + Math.Tanh(mu) * Math.Max(mu, 0.0);
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu + 0.1 * shift, sigma), ys[i], "y", i);
        return shift;
    }

    /// <summary>A branch on a random value, with a random choice on each branch and a select (?:) on it.</summary>
    [Model]
    public static double Branch(double y)
    {
        var z = Sample(Bernoulli(0.3));
        double mu;
        if (z)
        {
            mu = Sample(Normal(2, 1), "a");
        }
        else
        {
            mu = Sample(Normal(-2, 1), "b");
        }
        var scale = z ? 1.0 : 1.0;
        Observe(Normal(mu, scale), y, "y");
        return mu;
    }

    /// <summary>Both branches of a comparison on a random value sample the same address (exclusive in the scalar model).</summary>
    [Model]
    public static double SameAddress(double y)
    {
        var u = Sample(Uniform(0, 1));
        double m;
        if (u < 0.25) m = Sample(Normal(3, 1), "m");
        else m = Sample(Normal(-1, 2), "m");
        var boost = 0.0;
        if (u > 0.9 && m > 0) boost += 1.5;
        Observe(Normal(m + boost, 1), y, "y");
        return m;
    }

    /// <summary>Hierarchical normal: mu ~ N(0, 1), theta_g ~ N(mu, 1), y_g ~ N(theta_g, 1); conjugate.</summary>
    [Model]
    public static double Hierarchical(double[] ys)
    {
        var mu = Sample(Normal(0, 1));
        var total = 0.0;
        for (var g = 0; g < ys.Length; g++)
        {
            var theta = Sample(Normal(mu, 1), "theta", g);
            Observe(Normal(theta, 1), ys[g], "y", g);
            total += theta;
        }
        return total / ys.Length;
    }

    /// <summary>Discrete choices: a Poisson count and a Bernoulli flag in arithmetic; the evidence by enumeration.</summary>
    [Model]
    public static double Discrete(int observed)
    {
        var k = Sample(Poisson(3.0));
        var flag = Sample(Bernoulli(0.4));
        var rate = k + (flag ? 2.0 : 0.5);
        Observe(Poisson(rate), observed, "obs");
        return rate;
    }

    /// <summary>Every mapped family once, for the site-by-site comparison of densities.</summary>
    [Model]
    public static double Families(double x)
    {
        var g = Sample(Gamma(2, 3));
        var b = Sample(Beta(2, 5));
        var ln = Sample(LogNormal(0.1, 0.4));
        var e = Sample(Exponential(1.5));
        var u = Sample(Uniform(-1, 2));
        var t = Sample(StudentT(4, 0.5, 2));
        var t0 = Sample(StudentT(3));
        var l = Sample(Laplace(0.2, 1.1));
        var c = Sample(Cauchy(0, 2));
        var hn = Sample(HalfNormal(1.5));
        var hc = Sample(HalfCauchy(0.5));
        var ig = Sample(InverseGamma(3, 2));
        var bi = Sample(Binomial(10, 0.3));
        var ge = Sample(Geometric(0.4));
        var ht = Sample(HalfStudentT(3, 1.2));
        var sn = Sample(SkewNormal(0.1, 1.3, 2.0));
        var vm = Sample(VonMises(0.5, 2.0));
        var bl = Sample(BernoulliLogit(-0.4));
        var bil = Sample(BinomialLogit(8, 0.7));
        var pl = Sample(PoissonLog(0.9));
        Observe(Normal(g + b + ln + e + u + t + t0 + l + c + hn + hc + ig + bi + ge + ht + sn + vm + (bl ? 1.0 : 0.0) + bil + pl, 2), x, "x");
        return g;
    }

    /// <summary>mu ~ N(0, 1), y ~ N(mu, 1): the posterior is N(y/2, 1/2).</summary>
    [Model]
    public static double NormalNormal(double y)
    {
        var mu = Sample(Normal(0, 1));
        Observe(Normal(mu, 1), y, "y");
        return mu;
    }

    /// <summary>A guide for <see cref="NormalNormal"/>, itself a scalar model with a batched form.</summary>
    [Model]
    public static double NormalGuide(double m, double s) => Sample(Normal(m, s), "mu");

    /// <summary>The initial state of smc-lgssm, x₀ ~ N(0, 1).</summary>
    [Model]
    public static double LgssmInit()
    {
        var x = Sample(Normal(0, 1));
        return x;
    }

    /// <summary>A step of smc-lgssm: xₜ ~ N(0.9 xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5²); in SMC <paramref name="prev"/> is per particle.</summary>
    [Model]
    public static double LgssmStep(int t, double prev)
    {
        var x = Sample(Normal(0.9 * prev, 1));
        _ = Sample(Normal(x, 0.5), "y");
        return x;
    }
}
