using Ppl.Distributions;

namespace Ppl.Tests;

/// <summary>Small dynamic models shared by the core's tests.</summary>
internal static class TestModels
{
    public const double ObservedZ = 0.3;

    /// <summary>mu ~ N(0,1); y_i ~ N(mu, 1) for i &lt; n; observe z = 0.3 ~ N(mu, 2); factor −mu²/4.</summary>
    public static readonly DynamicModel<int, double> Fixed = DynamicModel.Create<int, double>("fixed", (t, n) =>
    {
        var mu = t.Sample("mu", new Normal(0, 1));
        for (var i = 0; i < n; i++) t.Sample(new Address("y", i), new Normal(mu, 1));
        t.Observe("z", new Normal(mu, 2), ObservedZ);
        t.Factor(-mu * mu / 4);
        return mu;
    });

    /// <summary>b ~ Bern(0.4); if b then x ~ N(0,1) else (k ~ Bern(0.7); y ~ N(k ? 1 : −1, 2)); then a call to Fixed(2) at "sub".</summary>
    public static readonly DynamicModel<Unit, double> Branching = DynamicModel.Create("branching", t =>
    {
        var b = t.Sample("b", new Bernoulli(0.4));
        double v;
        if (b)
        {
            v = t.Sample("x", new Normal(0, 1));
        }
        else
        {
            var k = t.Sample("k", new Bernoulli(0.7));
            v = t.Sample("y", new Normal(k ? 1 : -1, 2));
        }
        var s = t.Call("sub", Fixed, 2);
        return v + s;
    });

    /// <summary>The "soft" sprinkler of papers.md 1.6 E1.</summary>
    public static readonly DynamicModel<Unit, bool> Sprinkler = DynamicModel.Create("sprinkler", t =>
    {
        var rain = t.Sample("rain", new Bernoulli(0.3));
        if (rain) t.Factor(Math.Log(0.2));
        var sprinkler = t.Sample("sprinkler", new Bernoulli(rain ? 0.1 : 0.4));
        if (sprinkler) t.Factor(Math.Log(0.1));
        return rain;
    });

    public static double NormalLogDensity(double x, double mu, double sigma) =>
        MathNet.Numerics.Distributions.Normal.PDFLn(mu, sigma, x);
}
