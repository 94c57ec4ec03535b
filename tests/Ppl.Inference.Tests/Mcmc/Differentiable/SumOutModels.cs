using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc.Differentiable;

/// <summary>Models with finite discrete latents for summing them out of the differentiable form.</summary>
public static partial class SumOutModels
{
    // A Categorical over a data vector has no batched form; these tests need only the differentiable one.
#pragma warning disable PPL0011
    /// <summary>A three-component location mixture with a Binomial count: z ~ Categorical(w), k ~ Binomial(2, ½), y ~ N(μ + z + k/2, 1).</summary>
    [Model]
    public static double Mixture(double y, double[] weights)
    {
        var mu = Sample(Normal(0, 2), "mu");
        var z = Sample(Categorical(weights), "z");
        var k = Sample(Binomial(2, 0.5), "k");
        Observe(Normal(mu + z + 0.5 * k, 1), y, "y");
        return mu;
    }
#pragma warning restore PPL0011

    /// <summary>A discrete latent with an infinite support (cannot be summed out).</summary>
    [Model]
    public static double Counts(double y)
    {
        var mu = Sample(Normal(0, 1), "mu");
        var n = Sample(Poisson(2.0), "n");
        Observe(Normal(mu + n, 1), y, "y");
        return mu;
    }
}
