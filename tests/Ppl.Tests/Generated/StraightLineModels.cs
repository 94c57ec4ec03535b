using Ppl.Distributions;
using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;

namespace Ppl.Tests.Generated;

/// <summary>
/// Models with a straight-line form (static double sites as top-level statements; see the generator's
/// StraightLineLowering) and models one construct away from it. Each has a dynamic twin in <see cref="StraightLineTwins"/>.
/// </summary>
public static partial class StraightLineModels
{
    #pragma warning disable PPL0012 // a lambda over a random value on purpose (the straight-line form must handle it); no differentiable form
    /// <summary>
    /// A small hierarchical model: deterministic statements between the sites (a local used by later sites, a
    /// lambda, a loop without sites), an explicitly typed choice, data read from the arguments, and a choice that
    /// nothing depends on.
    /// </summary>
    [Model]
    public static double Schools(double[] ys)
    {
        var mu = Sample(Normal(0, 5));
        double tau = Sample(HalfNormal(5));
        var spread = 0.5 * tau + 0.1;
        Func<double, double> shift = v => v + mu;
        var theta0 = Sample(Normal(shift(0), spread));
        Observe(Normal(theta0, 1), ys[0], "y0");
        var theta1 = Sample(Normal(mu, spread));
        Observe(Normal(theta1, 1), ys[1], "y1");
        var total = 0.0;
        for (var i = 0; i < ys.Length; i++) total += ys[i];
        var theta2 = Sample(Normal(mu + 0 * total, spread));
        Observe(Normal(theta2, 1), ys[2], "y2");
        var free = Sample(Gamma(2, 1));
        return theta0 + theta1 + theta2 + free;
    }
    #pragma warning restore PPL0012

    /// <summary>
    /// Throws from user code when a choice is large: a regenerate that draws it large must throw the same message as
    /// the dynamic tracer, with the same value, so the straight-line code must put the random stream back before the
    /// handler body runs again.
    /// </summary>
    [Model]
    public static double Throws(double limit)
    {
        var x = Sample(Normal(0, 1));
        if (x > limit) throw new ArgumentOutOfRangeException(nameof(limit), $"x = {x:R} is above {limit:R}");
        var y = Sample(Normal(x, 1));
        Observe(Normal(y, 0.5), 0.25, "obs");
        return x + y;
    }

    /// <summary>Straight-line and allocation-free (no lambda): a latent, a choice depending on it through a local, an observation.</summary>
    [Model]
    public static double Plain(double[] ys)
    {
        var a = Sample(Normal(0, 1));
        var m = 2 * a + 1;
        var c = Sample(Normal(m, 1));
        Observe(Normal(c, 1), ys[0], "y0");
        return c;
    }

    /// <summary>
    /// Discrete: bool and int choices and observations (the trace keeps them as doubles with their own tags), with
    /// parameters chosen by conditional expressions on earlier choices.
    /// </summary>
    [Model]
    public static int Alarm(bool johnCalls)
    {
        var burglary = Sample(Bernoulli(0.1));
        var earthquake = Sample(Bernoulli(0.2));
        var alarm = Sample(Bernoulli(burglary ? (earthquake ? 0.95 : 0.94) : (earthquake ? 0.29 : 0.01)));
        Observe(Bernoulli(alarm ? 0.9 : 0.05), johnCalls, "john");
        var calls = Sample(Poisson(alarm ? 3.0 : 0.5));
        Observe(Poisson(calls + 0.5), 2, "mary");
        return calls + (burglary ? 10 : 0);
    }

    /// <summary>A site inside an if: not straight-line (handler body only).</summary>
    [Model]
    public static double Branchy(double p)
    {
        var a = Sample(Normal(0, 1));
        if (a > p)
        {
            var b = Sample(Normal(a, 1));
            return b;
        }
        return a;
    }
}

/// <summary>The dynamic twins of <see cref="StraightLineModels"/>.</summary>
public static class StraightLineTwins
{
    public static readonly DynamicModel<double[], double> Schools = DynamicModel.Create<double[], double>("Schools", (t, ys) =>
    {
        var mu = t.Sample("mu", new Normal(0, 5));
        var tau = t.Sample("tau", new HalfNormal(5));
        var spread = 0.5 * tau + 0.1;
        var theta0 = t.Sample("theta0", new Normal(0 + mu, spread));
        t.Observe("y0", new Normal(theta0, 1), ys[0]);
        var theta1 = t.Sample("theta1", new Normal(mu, spread));
        t.Observe("y1", new Normal(theta1, 1), ys[1]);
        var total = ys.Sum();
        var theta2 = t.Sample("theta2", new Normal(mu + 0 * total, spread));
        t.Observe("y2", new Normal(theta2, 1), ys[2]);
        var free = t.Sample("free", new Gamma(2, 1));
        return theta0 + theta1 + theta2 + free;
    });

    public static readonly DynamicModel<double, double> Throws = DynamicModel.Create<double, double>("Throws", (t, limit) =>
    {
        var x = t.Sample("x", new Normal(0, 1));
        if (x > limit) throw new ArgumentOutOfRangeException(nameof(limit), $"x = {x:R} is above {limit:R}");
        var y = t.Sample("y", new Normal(x, 1));
        t.Observe("obs", new Normal(y, 0.5), 0.25);
        return x + y;
    });

    public static readonly DynamicModel<bool, int> Alarm = DynamicModel.Create<bool, int>("Alarm", (t, johnCalls) =>
    {
        var burglary = t.Sample("burglary", new Bernoulli(0.1));
        var earthquake = t.Sample("earthquake", new Bernoulli(0.2));
        var alarm = t.Sample("alarm", new Bernoulli(burglary ? (earthquake ? 0.95 : 0.94) : (earthquake ? 0.29 : 0.01)));
        t.Observe("john", new Bernoulli(alarm ? 0.9 : 0.05), johnCalls);
        var calls = t.Sample("calls", new Poisson(alarm ? 3.0 : 0.5));
        t.Observe("mary", new Poisson(calls + 0.5), 2);
        return calls + (burglary ? 10 : 0);
    });

    public static readonly DynamicModel<double, double> Branchy = DynamicModel.Create<double, double>("Branchy", (t, p) =>
    {
        var a = t.Sample("a", new Normal(0, 1));
        return a > p ? t.Sample("b", new Normal(a, 1)) : a;
    });
}
