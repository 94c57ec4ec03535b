using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Bench;

/// <summary>
/// The three models of the NUTS benchmark written as a user would, as [Model] methods: NUTS runs on their generated
/// differentiable forms, against the hand-written densities over <c>Real</c> in <c>NutsBenchmark</c>.
/// </summary>
public static partial class NutsBenchModels
{
    // Vector observations (the GLM, the vectorised normal) have no batched form: the benchmark runs NUTS on one chain.
#pragma warning disable PPL0011
    /// <summary>Non-centred eight schools: mu ~ N(0, 5), tau ~ HalfCauchy(5), eta_j ~ N(0, 1), y_j ~ N(mu + tau eta_j, sigma_j).</summary>
    [Model]
    public static double EightSchools(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        for (var j = 0; j < y.Length; j++)
        {
            var eta = Sample(Normal(0, 1), "eta", j);
            Observe(Normal(mu + tau * eta, sigma[j]), y[j], "y", j);
        }
        return mu;
    }

    /// <summary>
    /// Logistic regression: alpha ~ N(0, 2.5), beta_j ~ N(0, 2.5), y_i ~ Bernoulli(logistic(alpha + x_i · beta)), the
    /// likelihood written as Stan's model writes it (bernoulli_logit_glm): one site observes every row.
    /// </summary>
    [Model]
    public static double LogisticRegression(double[][] xs, bool[] ys)
    {
        var d = xs[0].Length;
        var alpha = Sample(Normal(0, 2.5));
        var beta = new double[d];
        for (var j = 0; j < d; j++) beta[j] = Sample(Normal(0, 2.5), "beta", j);
        Observe(BernoulliLogitGlm(xs, alpha, beta), ys, "y");
        return alpha;
    }

    /// <summary>
    /// Non-centred hierarchical normal: mu ~ N(0, 5), tau ~ HalfNormal(5), z_k ~ N(0, 1), y_i ~ N(mu + tau z_group[i], 3),
    /// the observations in long format (each with its group's index), as the Stan model takes them.
    /// </summary>
    [Model]
    public static double Hierarchical(int groups, int[] group, double[] y)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfNormal(5));
        var z = new double[groups];
        for (var k = 0; k < groups; k++) z[k] = Sample(Normal(0, 1), "z", k);
        // As Stan's model: y ~ normal(mu + tau * z[group], 3), one vectorised statement.
        var location = new double[y.Length];
        for (var i = 0; i < y.Length; i++) location[i] = mu + tau * z[group[i]];
        Observe(IndependentNormal(location, 3), y, "y");
        return mu;
    }
}

#pragma warning restore PPL0011

/// <summary>The centred eight schools as a [Model] method, for <c>nuts-adapt</c>.</summary>
public static partial class NutsAdaptModels
{
    /// <summary>Centred eight schools: mu ~ N(0, 5), tau ~ HalfCauchy(5), theta_j ~ N(mu, tau), y_j ~ N(theta_j, sigma_j).</summary>
    [Model]
    public static double CentredEightSchools(double[] y, double[] sigma)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfCauchy(5));
        for (var j = 0; j < y.Length; j++)
        {
            var theta = Sample(Normal(mu, tau), "theta", j);
            Observe(Normal(theta, sigma[j]), y[j], "y", j);
        }
        return mu;
    }
}
