using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The LGSSM of <see cref="GridPosterior"/> with its transition coefficient as a choice of the model, for PMMH on a [Model].</summary>
public static partial class PmmhModels
{
    // DiscreteUniform has no tensor counterpart: no batched form, which PMMH does not use.
#pragma warning disable PPL0011
    /// <summary>k ~ U{0, …, |grid| − 1}, a = grid[k]; x₀ ~ N(0, 1), xₜ ~ N(a xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5²) (as LgssmStruct).</summary>
    [Model]
    public static double LgssmWithUnknownA(double[] ys, double[] grid)
    {
        var k = Sample(DiscreteUniform(0, grid.Length - 1));
        var a = grid[k];
        var x = Sample(Normal(0, 1), "x", 0);
        for (var t = 1; t <= ys.Length; t++)
        {
            x = Sample(Normal(a * x, 1), "x", t);
            Observe(Normal(x, 0.5), ys[t - 1], "y", t);
        }
        return x;
    }
#pragma warning restore PPL0011
}

/// <summary>A scale parameter with a half-normal prior and normal observations.</summary>
public static partial class PmmhModels
{
    /// <summary>σ ~ HalfNormal(1), yᵢ ~ N(0, σ²).</summary>
    [Model]
    public static double Scale(double[] ys)
    {
        var sigma = Sample(HalfNormal(1));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(0, sigma), ys[i], "y", i);
        return sigma;
    }
}
