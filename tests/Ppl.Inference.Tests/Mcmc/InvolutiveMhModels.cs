using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>The involutive-MH test's model and auxiliary proposal as [Model] methods (the trace structure changes with k).</summary>
public static partial class InvolutiveMhModels
{
    // A choice that exists only when k = 1 and data as Sample sites: a model for trace kernels, not for the batched form.
#pragma warning disable PPL0011
    /// <summary>k ~ Bernoulli(½) gates a shift b ~ N(0, 1); μ ~ N(0, 1); yᵢ ~ N(μ + k b, 1) at "y"/i.</summary>
    [Model]
    public static double Gated(double[] ys)
    {
        var k = Sample(Bernoulli(0.5), "k");
        var mu = Sample(Normal(0, 1), "mu");
        var b = k ? Sample(Normal(0, 1), "b") : 0.0;
        for (var i = 0; i < ys.Length; i++) _ = Sample(Normal(mu + b, 1), "y", i);
        return mu + b;
    }

    /// <summary>The auxiliary proposal: a birth (k = 0) draws the split fraction w; a death draws nothing.</summary>
    [Model]
    public static int SplitFraction(bool k)
    {
        if (!k) _ = Sample(Uniform(0, 1), "w");
        return 0;
    }
#pragma warning restore PPL0011
}
