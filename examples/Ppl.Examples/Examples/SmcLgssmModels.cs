using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Examples;

/// <summary>The model of smc-lgssm as a user writes it: a [Model] method, which SMC runs through its generated state machine.</summary>
public static partial class SmcLgssmModels
{
    /// <summary>x₀ ~ N(0, 1), xₜ ~ N(0.9 xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5) observed for t = 1..T; returns x_T.</summary>
    [Model]
    public static double Lgssm(double[] ys)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var i = 0; i < ys.Length; i++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", i + 1);
            Observe(Normal(x, 0.5), ys[i], "y", i + 1);
        }
        return x;
    }
}
