using Ppl;
using Ppl.Modeling;
using TorchSharp;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using T = Ppl.Distributions.Tensors;

namespace Ppl.Tests.Generated;

/// <summary>
/// [Model] methods that call the combinators (Map, Unfold, Switch) over generated kernels, and that make
/// tensor-valued choices; each has a hand-written dynamic twin in <see cref="DynCombinatorModels"/> whose
/// combinators wrap dynamic kernels. A [Model] calls a combinator like any generative function, with
/// <c>Call(combinator, args)</c>; a generated model is itself a generative function, so it can be a kernel.
/// </summary>
public static partial class GenCombinatorModels
{
    // ------------------------------------------------------------------ Map

    /// <summary>The plate's kernel: one latent per item and an observation that depends on it.</summary>
    [Model]
    public static double Point(double x, double scale)
    {
        var y = Sample(Normal(2 * x, scale));
        Observe(Normal(y, 0.5), x + 1, "obs");
        return y;
    }

    private static readonly Map<(double, double), double> Points = new(PointModel, "Points");

    #pragma warning disable PPL0010, PPL0012 // calls the Map combinator on purpose (what this test covers); a combinator call has no resumable or differentiable form
    /// <summary>A shared scale, then an iid plate over the data through Map.</summary>
    [Model]
    public static double Plate(double[] xs)
    {
        var scale = Sample(Gamma(2, 1));
        var items = new (double, double)[xs.Length];
        for (var i = 0; i < xs.Length; i++) items[i] = (xs[i], scale);
        var ys = Call(Points, (IReadOnlyList<(double, double)>)items);
        var total = 0.0;
        foreach (var y in ys) total += y;
        return total;
    }
    #pragma warning restore PPL0010, PPL0012

    // ------------------------------------------------------------------ Unfold

    /// <summary>The chain's kernel: a Gaussian random-walk step with drift and a noisy observation.</summary>
    [Model]
    public static double Step(int t, double state, double drift)
    {
        var x = Sample(Normal(state + drift, 1));
        Observe(Normal(x, 0.5), 0.1 * t, "y");
        return x;
    }

    private static readonly Unfold<double, double> Chain = new(StepModel, "Chain");

    #pragma warning disable PPL0010, PPL0012 // calls the Unfold combinator on purpose (what this test covers); a combinator call has no resumable or differentiable form
    /// <summary>A random drift, then a state-space chain of <paramref name="steps"/> steps through Unfold.</summary>
    [Model]
    public static double Walk(int steps)
    {
        var drift = Sample(Normal(0, 0.5));
        var path = Call(Chain, (steps, 0.0, drift));
        return path.Count == 0 ? drift : path[path.Count - 1];
    }
    #pragma warning restore PPL0010, PPL0012

    // ------------------------------------------------------------------ Switch

    /// <summary>Switch branch 0: one Gaussian choice at "v".</summary>
    [Model]
    public static double Low(double m)
    {
        var v = Sample(Normal(m, 1));
        return v;
    }

    /// <summary>Switch branch 1: the same address "v" under another family, plus a coin.</summary>
    [Model]
    public static double High(double m)
    {
        var v = Sample(Gamma(2, 1));
        var flip = Sample(Bernoulli(0.3));
        return flip ? -v : v + m;
    }

    private static readonly Switch<double, double> Branches = new("Branches", LowModel, HighModel);

    #pragma warning disable PPL0010, PPL0012 // calls the Switch combinator on purpose (what this test covers); a combinator call has no resumable or differentiable form
    /// <summary>A random branch index chooses between two generated models through Switch.</summary>
    [Model]
    public static double Choose(double bias)
    {
        var k = Sample(Bernoulli(bias));
        var m = Sample(Normal(0, 1));
        var r = Call(Branches, (k ? 1 : 0, m));
        return r;
    }
    #pragma warning restore PPL0010, PPL0012

    // ------------------------------------------------------------------ tensors

    #pragma warning disable PPL0012 // tensor-valued choices on purpose; the differentiable form is scalar only
    /// <summary>
    /// Tensor-valued choices: a Gaussian vector, Poisson counts whose rates depend on it, a family of
    /// Dirichlet vectors in a loop, a scalar scale, and a tensor observation.
    /// </summary>
    [Model]
    public static double Tensors(int n)
    {
        var w = Sample(Normal(torch.zeros(n, dtype: torch.float64), torch.ones(n, dtype: torch.float64)));
        var s = Sample(HalfNormal(1.0));
        var counts = Sample(Poisson(torch.exp(w)));
        var mass = 0.0;
        for (var i = 0; i < 2; i++)
        {
            var pi = Sample(Dirichlet(torch.ones(3, dtype: torch.float64)), "pi", i);
            mass += pi[0].ToDoubleValue();
        }
        Observe(Normal(w, torch.ones(n, dtype: torch.float64).Times(s)), TensorArithmetic.Full([n], 0.5, dtype: torch.float64), "obs");
        return w.sum().ToDoubleValue() * s + counts.sum().ToDoubleValue() + mass;
    }
    #pragma warning restore PPL0012
}

/// <summary>The dynamic twins of <see cref="GenCombinatorModels"/>, written by hand against <see cref="ITracer"/>.</summary>
public static class DynCombinatorModels
{
    public static readonly DynamicModel<(double, double), double> Point = DynamicModel.Create<(double, double), double>("Point", (t, a) =>
    {
        var y = t.Sample("y", new Ppl.Distributions.Normal(2 * a.Item1, a.Item2));
        t.Observe("obs", new Ppl.Distributions.Normal(y, 0.5), a.Item1 + 1);
        return y;
    });

    private static readonly Map<(double, double), double> Points = new(Point, "Points");

    public static readonly DynamicModel<double[], double> Plate = DynamicModel.Create<double[], double>("Plate", (t, xs) =>
    {
        var scale = t.Sample("scale", new Ppl.Distributions.Gamma(2, 1));
        var ys = t.Call<IReadOnlyList<(double, double)>, IReadOnlyList<double>>("ys", Points, xs.Select(x => (x, scale)).ToArray());
        return ys.Sum();
    });

    public static readonly DynamicModel<(int, double, double), double> Step = DynamicModel.Create<(int, double, double), double>("Step", (t, a) =>
    {
        var x = t.Sample("x", new Ppl.Distributions.Normal(a.Item2 + a.Item3, 1));
        t.Observe("y", new Ppl.Distributions.Normal(x, 0.5), 0.1 * a.Item1);
        return x;
    });

    private static readonly Unfold<double, double> Chain = new(Step, "Chain");

    public static readonly DynamicModel<int, double> Walk = DynamicModel.Create<int, double>("Walk", (t, steps) =>
    {
        var drift = t.Sample("drift", new Ppl.Distributions.Normal(0, 0.5));
        var path = t.Call("path", Chain, (steps, 0.0, drift));
        return path.Count == 0 ? drift : path[path.Count - 1];
    });

    public static readonly DynamicModel<double, double> Low = DynamicModel.Create<double, double>("Low", (t, m) => t.Sample("v", new Ppl.Distributions.Normal(m, 1)));

    public static readonly DynamicModel<double, double> High = DynamicModel.Create<double, double>("High", (t, m) =>
    {
        var v = t.Sample("v", new Ppl.Distributions.Gamma(2, 1));
        var flip = t.Sample("flip", new Ppl.Distributions.Bernoulli(0.3));
        return flip ? -v : v + m;
    });

    private static readonly Switch<double, double> Branches = new("Branches", Low, High);

    public static readonly DynamicModel<double, double> Choose = DynamicModel.Create<double, double>("Choose", (t, bias) =>
    {
        var k = t.Sample("k", new Ppl.Distributions.Bernoulli(bias));
        var m = t.Sample("m", new Ppl.Distributions.Normal(0, 1));
        return t.Call("r", Branches, (k ? 1 : 0, m));
    });

    public static readonly DynamicModel<int, double> Tensors = DynamicModel.Create<int, double>("Tensors", (t, n) =>
    {
        var w = t.Sample("w", new T.Normal(torch.zeros(n, dtype: torch.float64), torch.ones(n, dtype: torch.float64)));
        var s = t.Sample("s", new Ppl.Distributions.HalfNormal(1.0));
        var counts = t.Sample("counts", new T.Poisson(torch.exp(w)));
        var mass = 0.0;
        for (var i = 0; i < 2; i++) mass += t.Sample(new Address("pi", i), new T.Dirichlet(torch.ones(3, dtype: torch.float64)))[0].ToDoubleValue();
        t.Observe("obs", new T.Normal(w, torch.ones(n, dtype: torch.float64).Times(s)), TensorArithmetic.Full([n], 0.5, dtype: torch.float64));
        return w.sum().ToDoubleValue() * s + counts.sum().ToDoubleValue() + mass;
    });
}
