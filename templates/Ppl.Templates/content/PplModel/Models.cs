using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

/// <summary>The app's models: [Model] methods that Ppl's source generator compiles into generative functions.</summary>
public static partial class Models
{
    /// <summary>
    /// A location and a scale: μ ~ N(0, 10), σ ~ HalfNormal(5), every yᵢ ~ N(μ, σ) observed. The generator emits
    /// <c>MeanAndScaleModel</c> and its differentiable form (the log density with exact gradients), which NUTS runs on.
    /// </summary>
    [Model]
    public static double MeanAndScale(double[] ys)
    {
        var mu = Sample(Normal(0, 10));
        var sigma = Sample(HalfNormal(5));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu, sigma), ys[i], "y", i);
        return mu;
    }
}
