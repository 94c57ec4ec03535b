using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc;

/// <summary>[Model]s for SMC² on a generative function (<see cref="Smc2ModelTests"/>).</summary>
public static partial class Smc2Models
{
    /// <summary>
    /// The LGSSM of <see cref="LgssmStruct"/> with a continuous unknown transition coefficient: a ~ U(0.2, 1), x₀ ~ N(0, 1),
    /// xₜ ~ N(a xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5²). Its exact posterior of a is a quadrature over Kalman filters.
    /// </summary>
    [Model]
    public static double LgssmWithUniformA(double[] ys)
    {
        var a = Sample(Uniform(0.2, 1.0));
        var x = Sample(Normal(0, 1), "x", 0);
        for (var t = 1; t <= ys.Length; t++)
        {
            x = Sample(Normal(a * x, 1), "x", t);
            Observe(Normal(x, 0.5), ys[t - 1], "y", t);
        }
        return x;
    }

    /// <summary><see cref="LgssmWithUniformA"/> with its data as Sample sites ("y", t), observed by values given from outside.</summary>
    [Model]
    public static double LgssmWithUniformASampledY(int steps)
    {
        var a = Sample(Uniform(0.2, 1.0));
        var x = Sample(Normal(0, 1), "x", 0);
        for (var t = 1; t <= steps; t++)
        {
            x = Sample(Normal(a * x, 1), "x", t);
            _ = Sample(Normal(x, 0.5), "y", t);
        }
        return x;
    }

    /// <summary>A parameter drawn after the first observation, which SMC² refuses (its θ-weights start at the first observation).</summary>
    [Model]
    public static double LateParameter(double[] ys)
    {
        Observe(Normal(0, 1), ys[0], "first");
        var s = Sample(Normal(0, 1));
        Observe(Normal(s, 1), ys[1], "second");
        return s;
    }

    /// <summary>A parameter whose prior depends on another latent choice (m), so p(s) is not the density SMC² can read off.</summary>
    [Model]
    public static double HierarchicalParameter(double[] ys)
    {
        var m = Sample(Normal(0, 1));
        var s = Sample(Normal(m, 1));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(s, 1), ys[i], "y", i);
        return s;
    }
}
