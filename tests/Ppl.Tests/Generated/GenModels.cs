using Ppl.Distributions;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// [Model] methods compiled by the generator; each has a hand-written dynamic twin in <see cref="DynModels"/>
/// that must behave identically (same choices, scores, weights, errors) for the same seed.
/// </summary>
public static partial class GenModels
{
    [Model]
    public static double[] Line(double[] xs)
    {
        var slope = Sample(Normal(0, 10));
        var intercept = Sample(Normal(0, 10));
        var noise = Sample(Gamma(2, 1));
        var ys = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++) ys[i] = Sample(Normal(slope * xs[i] + intercept, noise), "y", i);
        return ys;
    }

    [Model]
    public static double Fixed(int n)
    {
        var mu = Sample(Normal(0, 1));
        for (var i = 0; i < n; i++) _ = Sample(Normal(mu, 1), "y", i);
        Observe(Normal(mu, 2), 0.3, "z");
        Factor(-mu * mu / 4);
        return mu;
    }

    #pragma warning disable PPL0010 // calls the sub-model Fixed on purpose; SMC replays a model with a sub-model call
    [Model]
    public static double Branching()
    {
        var b = Sample(Bernoulli(0.4));
        double v;
        if (b)
        {
            v = Sample(Normal(0, 1), "x");
        }
        else
        {
            var k = Sample(Bernoulli(0.7));
            v = Sample(Normal(k ? 1 : -1, 2), "y");
        }
        var sub = Fixed(2);
        return v + sub;
    }
    #pragma warning restore PPL0010

    [Model]
    public static bool Sprinkler()
    {
        var rain = Sample(Bernoulli(0.3));
        if (rain) Factor(Math.Log(0.2));
        var sprinkler = Sample(Bernoulli(rain ? 0.1 : 0.4));
        if (sprinkler) Factor(Math.Log(0.1));
        return rain;
    }

    #pragma warning disable PPL0010 // recursion on purpose; SMC replays a model that calls a model
    /// <summary>Recursion: the number of failures before a success, each level a sub-call.</summary>
    [Model]
    public static int Geo(double p)
    {
        var flip = Sample(Bernoulli(p));
        if (flip) return 0;
        var rest = Geo(p);
        return 1 + rest;
    }
    #pragma warning restore PPL0010

    /// <summary>Stochastic control flow: a while loop whose length is random.</summary>
    [Model]
    public static int Flips(double p)
    {
        var i = 0;
        while (i < 20)
        {
            var c = Sample(Bernoulli(p), "c", i);
            i++;
            if (c) break;
        }
        return i;
    }

    [Model]
    public static double Mixture(double[] data)
    {
        var m0 = Sample(Normal(-2, 1));
        var m1 = Sample(Normal(2, 1));
        var w = Sample(Beta(2, 2));
        for (var i = 0; i < data.Length; i++)
        {
            var z = Sample(Bernoulli(w), "z", i);
            Observe(Normal(z ? m1 : m0, 1), data[i], "x", i);
        }
        return m1 - m0;
    }

    [Model]
    public static double Hierarchical(double[] ys)
    {
        var mu = Sample(Normal(0, 5));
        var tau = Sample(HalfNormal(5));
        for (var j = 0; j < ys.Length; j++)
        {
            var theta = Sample(Normal(mu, tau), "theta", j);
            Observe(Normal(theta, 1), ys[j], "y", j);
        }
        return mu;
    }

    [Model]
    public static int Counts(int[] counts)
    {
        var rate = Sample(Gamma(2, 0.5));
        var total = 0;
        foreach (var c in counts) total += c;
        for (var i = 0; i < counts.Length; i++) Observe(Poisson(rate), counts[i], "n", i);
        var next = Sample(Poisson(rate));
        return total + next;
    }

    #pragma warning disable PPL0012 // returns a tuple of choices of several types on purpose; the differentiable form cannot hold it
    [Model]
    public static (int, bool, double) Types()
    {
        var n = Sample(Poisson(3));
        var flag = Sample(Bernoulli(0.5));
        var x = Sample(Uniform(0, n + 1));
        var k = Sample(DiscreteUniform(0, n));
        return (n + k, flag, x);
    }
    #pragma warning restore PPL0012

    /// <summary>A switch whose cases sample the same address under different families.</summary>
    [Model]
    public static double Switch()
    {
        var kind = Sample(Categorical(new[] { 0.2, 0.3, 0.5 }));
        double v;
        switch (kind)
        {
            case 0: v = Sample(Normal(0, 1)); break;
            case 1: v = Sample(Gamma(2, 2)); break;
            default: v = Sample(Beta(2, 5)); break;
        }
        var extra = kind == 2 ? Sample(Exponential(1), "e") : 0.0;
        return v + extra;
    }

    [Model]
    public static double Grid(int rows, int cols)
    {
        var s = Sample(HalfNormal(1));
        var total = 0.0;
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < cols; j++)
                total += Sample(Normal(0, s), "w", i, j);
        return total;
    }

    #pragma warning disable PPL0010, PPL0012 // calls dynamic models through Effects.Call on purpose; such calls have no resumable or differentiable form
    /// <summary>Calls dynamic models through Effects.Call, the second in a loop at explicit addresses f/i.</summary>
    [Model]
    public static double Calls(int n)
    {
        var d = Call(DynModels.Sprinkler, Unit.Value);
        var acc = d ? 1.0 : 0.0;
        for (var i = 0; i < n; i++) acc += Call(DynModels.Fixed, 1, "f", i);
        return acc;
    }
    #pragma warning restore PPL0010, PPL0012

    #pragma warning disable PPL0008 // the dynamic-tracer fallback is what this model tests
    /// <summary>Falls back to the dynamic tracer: an effect inside a local function.</summary>
    [Model]
    public static double Closure(int n)
    {
        double Draw(int i) => Sample(Normal(i, 1), "d", i);
        var sum = 0.0;
        for (var i = 0; i < n; i++) sum += Draw(i);
        var scale = Sample(Exponential(1));
        return sum * scale;
    }
    #pragma warning restore PPL0008

    [Model]
    public static double Conditional(bool flag)
    {
        var x = flag ? Sample(Normal(0, 1), "a") : Sample(Normal(5, 1), "b");
        return x;
    }

    [Model]
    public static double Simple() => Sample(Normal(0, 1), "x");

    [Model]
    public static double Args2(int n, double s)
    {
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var step = Sample(Normal(total, s), "step", i);
            total = step;
        }
        var last = Sample(Normal(total, 0.1));
        return last;
    }
}
