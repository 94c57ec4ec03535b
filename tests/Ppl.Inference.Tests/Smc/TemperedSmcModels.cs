using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Inference.Tests.Smc;

/// <summary>[Model] methods for tempered SMC on a generative function: the conjugate normal mean three ways, and a discrete shift.</summary>
public static partial class TemperedSmcModels
{
    /// <summary>μ ~ N(0, 1), yᵢ ~ N(μ, 1) as Sample sites, observed through a choice map at "y"/i.</summary>
    [Model]
    public static double NormalMean(int n)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < n; i++) _ = Sample(Normal(mu, 1), "y", i);
        return mu;
    }

    /// <summary>The same model observing its data with Observe.</summary>
    [Model]
    public static double NormalMeanObserved(double[] ys)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu, 1), ys[i], "y", i);
        return mu;
    }

    /// <summary>The same model scoring its data with Factor (the normal log density written out).</summary>
    [Model]
    public static double NormalMeanFactor(double[] ys)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < ys.Length; i++) Factor(-0.5 * (ys[i] - mu) * (ys[i] - mu) - 0.9189385332046727);
        return mu;
    }

    /// <summary>μ ~ N(0, 1), s ~ Bernoulli(1/2), yᵢ ~ N(μ + s·δ, 1): a continuous and a discrete latent, a bimodal posterior when δ is large.</summary>
    [Model]
    public static double Shifted(double[] ys, double delta)
    {
        var mu = Sample(Normal(0, 1));
        var s = Sample(Bernoulli(0.5));
        var m = s ? mu + delta : mu;
        for (var i = 0; i < ys.Length; i++) Observe(Normal(m, 1), ys[i], "y", i);
        return m;
    }

    /// <summary>s ~ Bernoulli(1/2); μ ~ N(0, 1) only when s, else μ = 0; yᵢ ~ N(μ, 1): a choice that comes and goes with s.</summary>
    [Model]
    public static bool Switching(double[] ys)
    {
        var s = Sample(Bernoulli(0.5));
        var mu = 0.0;
        if (s) mu = Sample(Normal(0, 1), "mu");
        for (var i = 0; i < ys.Length; i++) Observe(Normal(mu, 1), ys[i], "y", i);
        return s;
    }

    /// <summary>s ~ Bernoulli(0.3), y ~ N(s, 1): small enough to enumerate a whole tempered SMC run.</summary>
    [Model]
    public static bool Coin(double y)
    {
        var s = Sample(Bernoulli(0.3));
        Observe(Normal(s ? 1.0 : 0.0, 1), y, "y");
        return s;
    }

    /// <summary>A two-step discrete chain: s₁ ~ Bernoulli(0.4), y₁ ~ N(s₁, 1); s₂ ~ Bernoulli(s₁ ? 0.8 : 0.3), y₂ ~ N(s₂, 1).</summary>
    [Model]
    public static bool TwoStep(double[] ys)
    {
        var s1 = Sample(Bernoulli(0.4));
        Observe(Normal(s1 ? 1.0 : 0.0, 1), ys[0], "y", 1);
        var s2 = Sample(Bernoulli(s1 ? 0.8 : 0.3));
        Observe(Normal(s2 ? 1.0 : 0.0, 1), ys[1], "y", 2);
        return s2;
    }
}

/// <summary>The LGSSM of <see cref="SmcModels.Lgssm"/> (a = 0.9, same addresses) observing its data through Sample sites given as a choice map.</summary>
public static partial class TemperedSmcModels
{
    /// <summary>x₀ ~ N(0, 1), xₜ ~ N(0.9 xₜ₋₁, 1), yₜ ~ N(xₜ, 0.5²) as Sample sites at "y"/t.</summary>
    [Model]
    public static double LgssmSampled(int steps)
    {
        var x = Sample(Normal(0, 1), "x", 0);
        for (var t = 1; t <= steps; t++)
        {
            x = Sample(Normal(0.9 * x, 1), "x", t);
            _ = Sample(Normal(x, 0.5), "y", t);
        }
        return x;
    }
}
