using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>
/// [Model] methods written with the log-odds and log-rate families (Stan's <c>bernoulli_logit</c>, <c>poisson_log</c>,
/// <c>binomial_logit</c>) in loops over data rows, as a Stan user writes them, and one with the fused GLM family for comparison.
/// </summary>
public static partial class LogOddsFamilyModels
{
    /// <summary>Logistic regression with one BernoulliLogit observation per row.</summary>
    [Model]
    public static double LogisticLoop(double[][] xs, bool[] ys)
    {
        var d = xs[0].Length;
        var alpha = Sample(Normal(0, 2.5), "alpha");
        var beta = new double[d];
        for (var j = 0; j < d; j++) beta[j] = Sample(Normal(0, 2.5), "beta", j);
        for (var i = 0; i < xs.Length; i++)
        {
            var eta = alpha;
            for (var j = 0; j < d; j++) eta += xs[i][j] * beta[j];
            Observe(BernoulliLogit(eta), ys[i], "y", i);
        }
        return alpha;
    }

    // The fused family observes a whole vector: no batched (tensor) form.
#pragma warning disable PPL0011
    /// <summary>The same regression with the fused GLM family: one site observes every row.</summary>
    [Model]
    public static double LogisticGlm(double[][] xs, bool[] ys)
    {
        var d = xs[0].Length;
        var alpha = Sample(Normal(0, 2.5), "alpha");
        var beta = new double[d];
        for (var j = 0; j < d; j++) beta[j] = Sample(Normal(0, 2.5), "beta", j);
        Observe(BernoulliLogitGlm(xs, alpha, beta), ys, "y");
        return alpha;
    }
#pragma warning restore PPL0011

    /// <summary>Poisson regression on the log scale with an overdispersion-free count per row, and a binomial-logit row.</summary>
    [Model]
    public static double CountsLoop(double[] x, int[] counts, int[] trials, int[] successes)
    {
        var a = Sample(Normal(0, 1), "a");
        var b = Sample(Normal(0, 1), "b");
        var c = Sample(Normal(0, 1), "c");
        for (var i = 0; i < x.Length; i++)
        {
            Observe(PoissonLog(a + b * x[i]), counts[i], "count", i);
            Observe(BinomialLogit(trials[i], c - b * x[i]), successes[i], "success", i);
        }
        return a;
    }

    /// <summary>An intercept-only logistic model: a ~ N(0, 1.5), yᵢ ~ BernoulliLogit(a) (its posterior by quadrature).</summary>
    [Model]
    public static double LogitIntercept(bool[] ys)
    {
        var a = Sample(Normal(0, 1.5), "a");
        for (var i = 0; i < ys.Length; i++) Observe(BernoulliLogit(a), ys[i], "y", i);
        return a;
    }

    /// <summary>A log-rate model: l ~ N(0, 1), kᵢ ~ PoissonLog(l) (its posterior by quadrature).</summary>
    [Model]
    public static double LogRate(int[] counts)
    {
        var l = Sample(Normal(0, 1), "l");
        for (var i = 0; i < counts.Length; i++) Observe(PoissonLog(l), counts[i], "y", i);
        return l;
    }
}
