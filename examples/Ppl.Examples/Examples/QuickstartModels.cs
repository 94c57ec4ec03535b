using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>The quickstart's model, as a [Model] method compiled by the Ppl source generator.</summary>
public static partial class QuickstartModels
{
    /// <summary>
    /// Bayesian linear regression with known noise: w_j ~ N(0, τ), y_i ~ N(x_i · w, σ) observed. The generator
    /// also emits its differentiable form (the log density over <c>Real</c>), which NUTS runs on.
    /// </summary>
    [Model]
    public static double[] Regression(double[][] xs, double[] ys)
    {
        var d = xs[0].Length;
        var w = new double[d];
        for (var j = 0; j < d; j++) w[j] = Sample(Normal(0, QuickstartExample.PriorSd), "w", j);
        for (var i = 0; i < xs.Length; i++)
        {
            double mean = 0;
            for (var j = 0; j < d; j++) mean += xs[i][j] * w[j];
            Observe(Normal(mean, QuickstartExample.NoiseSd), ys[i], "y", i);
        }
        return w;
    }
}
