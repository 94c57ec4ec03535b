using Ppl.Distributions;

namespace Ppl.Tests.Combinators;

/// <summary>
/// Small kernels shared by the combinator tests. Each body takes an address prefix so that the same code
/// serves as the kernel (prefix = root) and inline in a flat loop model (prefix = index): the loop model
/// is the reference the combinators are compared against, drawing in the same order.
/// </summary>
internal static class CombinatorModels
{
    /// <summary>Stochastic branching: which latent exists depends on a coin.</summary>
    public static double BranchingItem(ITracer t, Address p, double y)
    {
        var b = t.Sample(p / "b", new Bernoulli(0.4));
        var x = b ? t.Sample(p / "x", new Normal(0, 1)) : t.Sample(p / "z", new Normal(1, 2));
        t.Observe(p / "y", new Normal(x, 1), y);
        return x;
    }

    /// <summary>Fixed structure: one latent and one observation.</summary>
    public static double FixedItem(ITracer t, Address p, double y)
    {
        var x = t.Sample(p / "x", new Normal(0, 1));
        t.Observe(p / "y", new Normal(x, 0.7), y);
        return x;
    }

    public static DynamicModel<double, double> BranchingKernel { get; } = new("branching-item", (t, y) => BranchingItem(t, Address.Root, y));

    public static DynamicModel<double, double> FixedKernel { get; } = new("fixed-item", (t, y) => FixedItem(t, Address.Root, y));

    public static DynamicModel<IReadOnlyList<double>, IReadOnlyList<double>> Loop(Func<ITracer, Address, double, double> body) =>
        new("loop", (t, ys) =>
        {
            var r = new double[ys.Count];
            for (var i = 0; i < ys.Count; i++) r[i] = body(t, i, ys[i]);
            return r;
        });

    public static double Obs(int step) => Math.Sin(0.7 * step) * 2;

    /// <summary>One step of a state-space model with a jump that exists only on some steps.</summary>
    public static double Step(ITracer t, Address p, int step, double s, double a)
    {
        var jump = t.Sample(p / "f", new Bernoulli(0.3));
        var mean = a * s + (jump ? t.Sample(p / "j", new Normal(0, 3)) : 0.0);
        var x = t.Sample(p / "x", new Normal(mean, 1));
        t.Observe(p / "y", new Normal(x, 0.5), Obs(step));
        return x;
    }

    /// <summary>A fixed-structure step: an AR(1) latent observed with noise.</summary>
    public static double FixedStep(ITracer t, Address p, int step, double s, double a)
    {
        var x = t.Sample(p / "x", new Normal(a * s, 1));
        t.Observe(p / "y", new Normal(x, 0.5), Obs(step));
        return x;
    }

    public static DynamicModel<(int T, double State, double Params), double> StepKernel(Func<ITracer, Address, int, double, double, double> body) =>
        new("step", (t, a) => body(t, Address.Root, a.T, a.State, a.Params));

    public static DynamicModel<(int Steps, double Init, double Params), IReadOnlyList<double>> ChainLoop(Func<ITracer, Address, int, double, double, double> body) =>
        new("chain-loop", (t, a) =>
        {
            var states = new double[a.Steps];
            var s = a.Init;
            for (var k = 0; k < a.Steps; k++) states[k] = s = body(t, k, k, s, a.Params);
            return states;
        });

    public static double[] Items(Rng rng, int n)
    {
        var ys = new double[n];
        for (var i = 0; i < n; i++) ys[i] = Math.Round(rng.NextGaussian() * 2, 3);
        return ys;
    }

    /// <summary>Log density of the choices the kernel drew itself (score minus observations and factors).</summary>
    public static double ChoicesOnly(ITrace sub) => sub.Score - sub.Function.Project(sub, Selection.None);

    public static void AssertClose(double expected, double actual, double tol = 1e-9) =>
        Xunit.Assert.True(Math.Abs(expected - actual) <= tol * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
}
