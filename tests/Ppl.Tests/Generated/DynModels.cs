using Ppl.Distributions;

namespace Ppl.Tests.Generated;

/// <summary>The dynamic twins of <see cref="GenModels"/>, written by hand against <see cref="ITracer"/>.</summary>
public static class DynModels
{
    public static readonly DynamicModel<double[], double[]> Line = DynamicModel.Create<double[], double[]>("Line", (t, xs) =>
    {
        var slope = t.Sample("slope", new Normal(0, 10));
        var intercept = t.Sample("intercept", new Normal(0, 10));
        var noise = t.Sample("noise", new Gamma(2, 1));
        var ys = new double[xs.Length];
        for (var i = 0; i < xs.Length; i++) ys[i] = t.Sample(new Address("y", i), new Normal(slope * xs[i] + intercept, noise));
        return ys;
    });

    public static readonly DynamicModel<int, double> Fixed = DynamicModel.Create<int, double>("Fixed", (t, n) =>
    {
        var mu = t.Sample("mu", new Normal(0, 1));
        for (var i = 0; i < n; i++) t.Sample(new Address("y", i), new Normal(mu, 1));
        t.Observe("z", new Normal(mu, 2), 0.3);
        t.Factor(-mu * mu / 4);
        return mu;
    });

    public static readonly DynamicModel<Unit, double> Branching = DynamicModel.Create("Branching", t =>
    {
        var b = t.Sample("b", new Bernoulli(0.4));
        double v;
        if (b) v = t.Sample("x", new Normal(0, 1));
        else
        {
            var k = t.Sample("k", new Bernoulli(0.7));
            v = t.Sample("y", new Normal(k ? 1 : -1, 2));
        }
        var sub = t.Call("sub", Fixed, 2);
        return v + sub;
    });

    public static readonly DynamicModel<Unit, bool> Sprinkler = DynamicModel.Create("Sprinkler", t =>
    {
        var rain = t.Sample("rain", new Bernoulli(0.3));
        if (rain) t.Factor(Math.Log(0.2));
        var sprinkler = t.Sample("sprinkler", new Bernoulli(rain ? 0.1 : 0.4));
        if (sprinkler) t.Factor(Math.Log(0.1));
        return rain;
    });

    public static readonly DynamicModel<double, int> Geo = DynamicModel.Create<double, int>("Geo", (t, p) =>
    {
        var flip = t.Sample("flip", new Bernoulli(p));
        if (flip) return 0;
        var rest = t.Call("rest", Geo!, p);
        return 1 + rest;
    });

    public static readonly DynamicModel<double, int> Flips = DynamicModel.Create<double, int>("Flips", (t, p) =>
    {
        var i = 0;
        while (i < 20)
        {
            var c = t.Sample(new Address("c", i), new Bernoulli(p));
            i++;
            if (c) break;
        }
        return i;
    });

    public static readonly DynamicModel<double[], double> Mixture = DynamicModel.Create<double[], double>("Mixture", (t, data) =>
    {
        var m0 = t.Sample("m0", new Normal(-2, 1));
        var m1 = t.Sample("m1", new Normal(2, 1));
        var w = t.Sample("w", new Beta(2, 2));
        for (var i = 0; i < data.Length; i++)
        {
            var z = t.Sample(new Address("z", i), new Bernoulli(w));
            t.Observe(new Address("x", i), new Normal(z ? m1 : m0, 1), data[i]);
        }
        return m1 - m0;
    });

    public static readonly DynamicModel<double[], double> Hierarchical = DynamicModel.Create<double[], double>("Hierarchical", (t, ys) =>
    {
        var mu = t.Sample("mu", new Normal(0, 5));
        var tau = t.Sample("tau", new HalfNormal(5));
        for (var j = 0; j < ys.Length; j++)
        {
            var theta = t.Sample(new Address("theta", j), new Normal(mu, tau));
            t.Observe(new Address("y", j), new Normal(theta, 1), ys[j]);
        }
        return mu;
    });

    public static readonly DynamicModel<int[], int> Counts = DynamicModel.Create<int[], int>("Counts", (t, counts) =>
    {
        var rate = t.Sample("rate", new Gamma(2, 0.5));
        var total = counts.Sum();
        for (var i = 0; i < counts.Length; i++) t.Observe(new Address("n", i), new Poisson(rate), counts[i]);
        var next = t.Sample("next", new Poisson(rate));
        return total + next;
    });

    public static readonly DynamicModel<Unit, (int, bool, double)> Types = DynamicModel.Create("Types", t =>
    {
        var n = t.Sample("n", new Poisson(3));
        var flag = t.Sample("flag", new Bernoulli(0.5));
        var x = t.Sample("x", new Uniform(0, n + 1));
        var k = t.Sample("k", new DiscreteUniform(0, n));
        return (n + k, flag, x);
    });

    public static readonly DynamicModel<Unit, double> Switch = DynamicModel.Create("Switch", t =>
    {
        var kind = t.Sample("kind", new Categorical(new[] { 0.2, 0.3, 0.5 }));
        var v = kind switch
        {
            0 => t.Sample("v", new Normal(0, 1)),
            1 => t.Sample("v", new Gamma(2, 2)),
            _ => t.Sample("v", new Beta(2, 5)),
        };
        var extra = kind == 2 ? t.Sample("e", new Exponential(1)) : 0.0;
        return v + extra;
    });

    public static readonly DynamicModel<(int, int), double> Grid = DynamicModel.Create<(int, int), double>("Grid", (t, a) =>
    {
        var s = t.Sample("s", new HalfNormal(1));
        var total = 0.0;
        for (var i = 0; i < a.Item1; i++)
            for (var j = 0; j < a.Item2; j++)
                total += t.Sample(new Address("w", i) / j, new Normal(0, s));
        return total;
    });

    public static readonly DynamicModel<int, double> Calls = DynamicModel.Create<int, double>("Calls", (t, n) =>
    {
        var d = t.Call("d", Sprinkler, Unit.Value);
        var acc = d ? 1.0 : 0.0;
        for (var i = 0; i < n; i++) acc += t.Call(new Address("f", i), Fixed, 1);
        return acc;
    });

    public static readonly DynamicModel<int, double> Closure = DynamicModel.Create<int, double>("Closure", (t, n) =>
    {
        double Draw(int i) => t.Sample(new Address("d", i), new Normal(i, 1));
        var sum = 0.0;
        for (var i = 0; i < n; i++) sum += Draw(i);
        var scale = t.Sample("scale", new Exponential(1));
        return sum * scale;
    });

    public static readonly DynamicModel<bool, double> Conditional = DynamicModel.Create<bool, double>("Conditional", (t, flag) =>
        flag ? t.Sample("a", new Normal(0, 1)) : t.Sample("b", new Normal(5, 1)));

    public static readonly DynamicModel<Unit, double> Simple = DynamicModel.Create("Simple", t => t.Sample("x", new Normal(0, 1)));

    public static readonly DynamicModel<(int, double), double> Args2 = DynamicModel.Create<(int, double), double>("Args2", (t, a) =>
    {
        var total = 0.0;
        for (var i = 0; i < a.Item1; i++)
        {
            var step = t.Sample(new Address("step", i), new Normal(total, a.Item2));
            total = step;
        }
        return t.Sample("last", new Normal(total, 0.1));
    });
}
