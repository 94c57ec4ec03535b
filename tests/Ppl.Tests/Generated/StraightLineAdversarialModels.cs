using Ppl.Distributions;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// Models written to break the straight-line forms of assess and regenerate (see the generator's
/// StraightLineLowering): dependencies through plain statements, static state and helpers, odd names and types,
/// every double-valued scalar distribution with parameters taken from other choices (some can become invalid or
/// put a kept value outside its support), data changed in place, and site arguments with side effects. Each has a
/// dynamic twin in <see cref="AdversarialTwins"/>.
/// </summary>
public static partial class AdversarialModels
{
    /// <summary>A mutable static field read by a site and by a helper: both sites must always be recomputed.</summary>
    internal static double Offset = 0.25;

    internal static double Shift(double v) => v + Offset;

    #pragma warning disable PPL0012 // a lambda over a random value on purpose (it stresses the straight-line forms); no differentiable form
    /// <summary>
    /// Sites that depend on a choice through a local computed in a plain statement, an array element written in a
    /// plain statement, a captured lambda, a helper method and a static field; a choice nothing depends on; a choice
    /// used only in the return expression; observations of the data.
    /// </summary>
    [Model]
    public static double Through(double[] ys)
    {
        var a = Sample(Normal(0, 1));
        var arr = new double[2];
        arr[1] = 2 * a;
        var loc = a - 1;
        Func<double> half = () => loc * 0.5;
        var b = Sample(Normal(arr[1], 1));
        var c = Sample(Normal(half(), 1));
        var d = Sample(Normal(Shift(loc), 1));
        var e = Sample(Normal(Offset, 1));
        var unused = Sample(Normal(0, 1));
        var onlyReturned = Sample(Gamma(2, 2));
        Observe(Normal(b + c + d + e, 1), ys[0], "y0");
        Observe(Normal(loc, 1), ys[1], "y1");
        return onlyReturned + 0 * unused;
    }
    #pragma warning restore PPL0012

    /// <summary>
    /// Dependencies the analysis can follow (no helper, lambda or static state, which make it assume anything): c
    /// depends on a through an array element written in a plain statement, d on b through a local, the observation
    /// yc's value is the choice c, y0 reads d and the data, e the data only through a local; unused and onlyReturned
    /// feed no site. So the regenerate's changed flags and the reuse of stored densities are all exercised.
    /// </summary>
    [Model]
    public static double Flags(double[] ys)
    {
        var a = Sample(Normal(0, 1));
        var b = Sample(Normal(0, 1));
        var arr = new double[2];
        arr[1] = 2 * a;
        var loc = b - 1;
        var c = Sample(Normal(arr[1], 1));
        var d = Sample(Normal(loc, 1));
        var unused = Sample(Normal(0, 1));
        var onlyReturned = Sample(Gamma(2, 2));
        Observe(Normal(1, 2), c, "yc");
        Observe(Normal(d, 1), ys[0], "y0");
        var scale = ys.Length > 1 ? Math.Abs(ys[1]) + 0.5 : 1;
        var e = Sample(Normal(0, scale));
        return onlyReturned + 0 * unused + e;
    }

    #pragma warning disable PPL0010, PPL0012 // choices held as object and dynamic on purpose (odd types are what it tests); no resumable or differentiable form
    /// <summary>
    /// Names and types that could trip the pasted code: locals named ys, args and @class, a parameter named value,
    /// choices held as object, double? and dynamic, checked and unchecked blocks, a using declaration, a throw
    /// statement, ?: in a site's arguments, an interpolated string.
    /// </summary>
    [Model]
    public static double Names(double value)
    {
        var ys = Sample(Normal(value, 1));
        var args = Sample(Normal(ys, 1));
        var @class = Sample(HalfNormal(1));
        object boxed = Sample(Normal(0, 1));
        double? maybe = Sample(Normal(args, @class + 0.5));
        dynamic dyn = Sample(Normal(0, 2));
        checked
        {
            var n = (long)Math.Round(Math.Clamp(ys, -1000, 1000));
            n += 1;
        }
        unchecked
        {
            var big = int.MaxValue;
            big += Math.Sign(args) + 1;
        }
        using var stream = new System.IO.MemoryStream();
        if (double.IsInfinity(ys)) throw new InvalidOperationException($"ys = {ys}");
        var label = $"{ys:F3}/{args:F3}";
        var z = Sample(Normal(args > 0 ? ys : -ys, maybe is null ? 1 : 2 + stream.Length));
        Observe(Normal(z, 1 + @class), (double)boxed, "obs");
        return z + (double)dyn + label.Length;
    }
    #pragma warning restore PPL0010, PPL0012

    #pragma warning disable PPL0012 // every scalar family on purpose, Delta and Mixture included, which have no differentiable form
    /// <summary>
    /// Every double-valued scalar distribution of Ppl, parameters from other choices and the argument: s ≤ 0 makes
    /// m's parameters invalid; a regenerated lo can leave the kept u outside its support, a regenerated m the kept
    /// point mass de (−∞ log densities).
    /// </summary>
    [Model]
    public static double Scalars(double s)
    {
        var m = Sample(Normal(0, s));
        var sc = Sample(HalfNormal(1));
        var g = Sample(Gamma(1 + sc, 2));
        var be = Sample(Beta(g + 0.5, 1.5));
        var ex = Sample(Exponential(1 + be));
        var ln = Sample(LogNormal(m, sc + 0.1));
        var lo = Sample(Normal(0, 1));
        var u = Sample(Uniform(lo, lo + 1 + sc));
        var st = Sample(StudentT(2 + g, m, sc + 0.1));
        var ca = Sample(Cauchy(m, 1 + sc));
        var la = Sample(Laplace(u, 1 + ex));
        var hc = Sample(HalfCauchy(1 + ln));
        var ig = Sample(InverseGamma(2, 1 + sc));
        var de = Sample(Delta(Math.Round(m)));
        var mix = Sample(Mixture(new[] { 0.3, 0.7 }, Normal(m, 1), Normal(-m, 2)));
        Observe(Normal(m + u, 1 + ig), 0.3, "y");
        Observe(Exponential(1 + sc), 0.7, "wait");
        return m + sc + g + be + ex + ln + u + st + ca + la + hc + ig + de + mix;
    }
    #pragma warning restore PPL0012

    /// <summary>y's scale is the choice x, which can be negative: a parameter error that must name "y".</summary>
    [Model]
    public static double Fragile()
    {
        var x = Sample(Normal(1, 1));
        var y = Sample(Normal(0, x));
        Observe(Normal(y, 1), 0.5, "obs");
        return y;
    }

    /// <summary>Data read by observations and by a choice's distribution: the same array changed in place must count as changed.</summary>
    [Model]
    public static double Data(double[] ys)
    {
        var mu = Sample(Normal(0, 1));
        var sd = Sample(HalfNormal(1));
        Observe(Normal(mu, 1), ys[0], "y0");
        Observe(Normal(mu, sd), ys[1], "y1");
        var w = Sample(Normal(ys[2], 1));
        return mu + w;
    }

    /// <summary>
    /// Site arguments with side effects: the handler body evaluates them at every run, so a straight-line regenerate
    /// that skips a kept site's arguments would leave k behind (this model must not get the straight-line form).
    /// </summary>
    [Model]
    public static double SideEffects(double s)
    {
        var k = 0;
        var a = Sample(Normal(k++, 1));
        var b = Sample(Normal(k, s));
        Observe(Normal(b, 1), 0.5 * k++, "y");
        return a + b + 10 * k;
    }
}

/// <summary>The dynamic twins of <see cref="AdversarialModels"/>.</summary>
public static class AdversarialTwins
{
    public static readonly DynamicModel<double[], double> Through = DynamicModel.Create<double[], double>("Through", (t, ys) =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var loc = a - 1;
        var b = t.Sample("b", new Normal(2 * a, 1));
        var c = t.Sample("c", new Normal(loc * 0.5, 1));
        var d = t.Sample("d", new Normal(AdversarialModels.Shift(loc), 1));
        var e = t.Sample("e", new Normal(AdversarialModels.Offset, 1));
        var unused = t.Sample("unused", new Normal(0, 1));
        var onlyReturned = t.Sample("onlyReturned", new Gamma(2, 2));
        t.Observe("y0", new Normal(b + c + d + e, 1), ys[0]);
        t.Observe("y1", new Normal(loc, 1), ys[1]);
        return onlyReturned + 0 * unused;
    });

    public static readonly DynamicModel<double[], double> Flags = DynamicModel.Create<double[], double>("Flags", (t, ys) =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var b = t.Sample("b", new Normal(0, 1));
        var c = t.Sample("c", new Normal(2 * a, 1));
        var d = t.Sample("d", new Normal(b - 1, 1));
        var unused = t.Sample("unused", new Normal(0, 1));
        var onlyReturned = t.Sample("onlyReturned", new Gamma(2, 2));
        t.Observe("yc", new Normal(1, 2), c);
        t.Observe("y0", new Normal(d, 1), ys[0]);
        var e = t.Sample("e", new Normal(0, ys.Length > 1 ? Math.Abs(ys[1]) + 0.5 : 1));
        return onlyReturned + 0 * unused + e;
    });

    public static readonly DynamicModel<double, double> Names = DynamicModel.Create<double, double>("Names", (t, value) =>
    {
        var ys = t.Sample("ys", new Normal(value, 1));
        var args = t.Sample("args", new Normal(ys, 1));
        var cls = t.Sample("class", new HalfNormal(1));
        var boxed = t.Sample("boxed", new Normal(0, 1));
        var maybe = t.Sample("maybe", new Normal(args, cls + 0.5));
        var dyn = t.Sample("dyn", new Normal(0, 2));
        if (double.IsInfinity(ys)) throw new InvalidOperationException($"ys = {ys}");
        var label = $"{ys:F3}/{args:F3}";
        var z = t.Sample("z", new Normal(args > 0 ? ys : -ys, 2));
        t.Observe("obs", new Normal(z, 1 + cls), boxed);
        return z + dyn + label.Length;
    });

    public static readonly DynamicModel<double, double> Scalars = DynamicModel.Create<double, double>("Scalars", (t, s) =>
    {
        var m = t.Sample("m", new Normal(0, s));
        var sc = t.Sample("sc", new HalfNormal(1));
        var g = t.Sample("g", new Gamma(1 + sc, 2));
        var be = t.Sample("be", new Beta(g + 0.5, 1.5));
        var ex = t.Sample("ex", new Exponential(1 + be));
        var ln = t.Sample("ln", new LogNormal(m, sc + 0.1));
        var lo = t.Sample("lo", new Normal(0, 1));
        var u = t.Sample("u", new Uniform(lo, lo + 1 + sc));
        var st = t.Sample("st", new StudentT(2 + g, m, sc + 0.1));
        var ca = t.Sample("ca", new Cauchy(m, 1 + sc));
        var la = t.Sample("la", new Laplace(u, 1 + ex));
        var hc = t.Sample("hc", new HalfCauchy(1 + ln));
        var ig = t.Sample("ig", new InverseGamma(2, 1 + sc));
        var de = t.Sample("de", new Delta(Math.Round(m)));
        var mix = t.Sample("mix", Dist.Mixture(new[] { 0.3, 0.7 }, new Normal(m, 1), new Normal(-m, 2)));
        t.Observe("y", new Normal(m + u, 1 + ig), 0.3);
        t.Observe("wait", new Exponential(1 + sc), 0.7);
        return m + sc + g + be + ex + ln + u + st + ca + la + hc + ig + de + mix;
    });

    public static readonly DynamicModel<Unit, double> Fragile = DynamicModel.Create<double>("Fragile", t =>
    {
        var x = t.Sample("x", new Normal(1, 1));
        var y = t.Sample("y", new Normal(0, x));
        t.Observe("obs", new Normal(y, 1), 0.5);
        return y;
    });

    public static readonly DynamicModel<double[], double> Data = DynamicModel.Create<double[], double>("Data", (t, ys) =>
    {
        var mu = t.Sample("mu", new Normal(0, 1));
        var sd = t.Sample("sd", new HalfNormal(1));
        t.Observe("y0", new Normal(mu, 1), ys[0]);
        t.Observe("y1", new Normal(mu, sd), ys[1]);
        var w = t.Sample("w", new Normal(ys[2], 1));
        return mu + w;
    });

    public static readonly DynamicModel<double, double> SideEffects = DynamicModel.Create<double, double>("SideEffects", (t, s) =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var b = t.Sample("b", new Normal(1, s));
        t.Observe("y", new Normal(b, 1), 0.5);
        return a + b + 20;
    });
}
