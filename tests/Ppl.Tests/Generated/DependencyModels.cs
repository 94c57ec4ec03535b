using Ppl.Distributions;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// Models for the generator's dependency analysis (update and regenerate keep a site's stored log density when
/// its inputs did not change): dependencies through a deterministic local, loops, branches, a jump, an array,
/// and through code the analysis cannot see. Each has a dynamic twin in <see cref="DependencyTwins"/>.
/// </summary>
public static partial class DependencyModels
{
    /// <summary>Read by <see cref="Unknowns"/> through a static field and a helper: state the analysis cannot track.</summary>
    public static double Offset;

    /// <summary>c depends on a through a deterministic local, d only on b, the observation on c, d and the data.</summary>
    [Model]
    public static double ThroughLocal(double[] ys)
    {
        var a = Sample(Normal(0, 1));
        var b = Sample(Normal(0, 1));
        var m = 2 * a + 1;
        var c = Sample(Normal(m, 1));
        var d = Sample(Normal(b, 1));
        Observe(Normal(c + d, 1), ys[0], "y0");
        return c;
    }

    /// <summary>z depends on s (and the data) through a loop; t on the family u/i (not on w: kept u values do not move with w).</summary>
    [Model]
    public static double ThroughLoop(double[] xs)
    {
        var s = Sample(Gamma(2, 1));
        var w = Sample(HalfNormal(1));
        var acc = 0.0;
        for (var i = 0; i < xs.Length; i++) acc += xs[i] * s;
        var z = Sample(Normal(acc, 1));
        var total = 0.0;
        for (var i = 0; i < 3; i++) total += Sample(Normal(0, w), "u", i);
        var t = Sample(Normal(total, 1));
        var free = Sample(Normal(0, 1));
        return z + t + free;
    }

    /// <summary>x depends on flip through a local assigned under a branch; scaled on k through a switch; y on nothing.</summary>
    [Model]
    public static double ThroughBranch()
    {
        var flip = Sample(Bernoulli(0.5));
        var m = 0.0;
        if (flip) m = 3;
        var x = Sample(Normal(m, 1));
        var y = Sample(Normal(0, 1));
        var k = Sample(Poisson(2));
        double v;
        switch (k)
        {
            case 0: v = 1; break;
            case 1: v = 2; break;
            default: v = 0.5; break;
        }
        var scaled = Sample(Normal(0, v));
        return x + y + scaled;
    }

    /// <summary>
    /// s depends on z only through a jump: m is assigned without any condition on z, but the break decides how
    /// many times (z = true: m = 5, z = false: m = 0).
    /// </summary>
    [Model]
    public static double ThroughJump()
    {
        var z = Sample(Bernoulli(0.5));
        var m = 0.0;
        for (var i = 0; i < 2; i++)
        {
            if ((i == 1) == z) break;
            m += 5;
        }
        var s = Sample(Normal(m, 1));
        return s;
    }

    /// <summary>c reads an array element the body wrote from a; d depends on b only.</summary>
    [Model]
    public static double ThroughArray()
    {
        var a = Sample(Normal(0, 1));
        var b = Sample(Normal(0, 1));
        var arr = new double[2];
        arr[0] = a;
        var c = Sample(Normal(arr[0], 1));
        var d = Sample(Normal(b, 1));
        return c + d;
    }

    /// <summary>c goes through a helper and e reads a static field: both always recomputed; f depends on a.</summary>
    [Model]
    public static double Unknowns()
    {
        var a = Sample(Normal(0, 1));
        var c = Sample(Normal(Shift(a), 1));
        var e = Sample(Normal(Offset, 1));
        var f = Sample(Normal(a, 1));
        return c + e + f;
    }

    internal static double Shift(double x) => x + Offset;
}

/// <summary>The dynamic twins of <see cref="DependencyModels"/>.</summary>
public static class DependencyTwins
{
    public static readonly DynamicModel<double[], double> ThroughLocal = DynamicModel.Create<double[], double>("ThroughLocal", (t, ys) =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var b = t.Sample("b", new Normal(0, 1));
        var m = 2 * a + 1;
        var c = t.Sample("c", new Normal(m, 1));
        var d = t.Sample("d", new Normal(b, 1));
        t.Observe("y0", new Normal(c + d, 1), ys[0]);
        return c;
    });

    public static readonly DynamicModel<double[], double> ThroughLoop = DynamicModel.Create<double[], double>("ThroughLoop", (t, xs) =>
    {
        var s = t.Sample("s", new Gamma(2, 1));
        var w = t.Sample("w", new HalfNormal(1));
        var acc = 0.0;
        for (var i = 0; i < xs.Length; i++) acc += xs[i] * s;
        var z = t.Sample("z", new Normal(acc, 1));
        var total = 0.0;
        for (var i = 0; i < 3; i++) total += t.Sample(new Address("u", i), new Normal(0, w));
        var tt = t.Sample("t", new Normal(total, 1));
        var free = t.Sample("free", new Normal(0, 1));
        return z + tt + free;
    });

    public static readonly DynamicModel<Unit, double> ThroughBranch = DynamicModel.Create("ThroughBranch", t =>
    {
        var flip = t.Sample("flip", new Bernoulli(0.5));
        var m = 0.0;
        if (flip) m = 3;
        var x = t.Sample("x", new Normal(m, 1));
        var y = t.Sample("y", new Normal(0, 1));
        var k = t.Sample("k", new Poisson(2));
        var v = k switch { 0 => 1.0, 1 => 2.0, _ => 0.5 };
        var scaled = t.Sample("scaled", new Normal(0, v));
        return x + y + scaled;
    });

    public static readonly DynamicModel<Unit, double> ThroughJump = DynamicModel.Create("ThroughJump", t =>
    {
        var z = t.Sample("z", new Bernoulli(0.5));
        var m = 0.0;
        for (var i = 0; i < 2; i++)
        {
            if ((i == 1) == z) break;
            m += 5;
        }
        return t.Sample("s", new Normal(m, 1));
    });

    public static readonly DynamicModel<Unit, double> ThroughArray = DynamicModel.Create("ThroughArray", t =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var b = t.Sample("b", new Normal(0, 1));
        var c = t.Sample("c", new Normal(a, 1));
        var d = t.Sample("d", new Normal(b, 1));
        return c + d;
    });

    public static readonly DynamicModel<Unit, double> Unknowns = DynamicModel.Create("Unknowns", t =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        var c = t.Sample("c", new Normal(DependencyModels.Shift(a), 1));
        var e = t.Sample("e", new Normal(DependencyModels.Offset, 1));
        var f = t.Sample("f", new Normal(a, 1));
        return c + e + f;
    });
}
