using Ppl.Distributions;
using Ppl.Inference.Smc;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// The 1-D linear-Gaussian chain as an <see cref="Unfold{TState, TParams}"/> with its transition a as the parameter, and
/// its exact answers: step 0 draws x₀ ~ N(0, 1) (unobserved), step t ≥ 1 draws xₜ ~ N(a·xₜ₋₁, 1) and yₜ ~ N(xₜ, 0.5²),
/// the model of <see cref="SmcModels.Kalman"/> (observations y₁..y_T at steps 1..T).
/// </summary>
internal static class CombinatorSmcModels
{
    public static Unfold<double, double> Chain() => new(DynamicModel.Create<(int T, double State, double Params), double>("lgssm-a-step", (t, s) =>
    {
        var x = t.Sample("x", new Normal(s.T == 0 ? 0 : s.Params * s.State, 1));
        if (s.T > 0) t.Sample("y", new Normal(x, 0.5));
        return x;
    }), "lgssm-a");

    /// <summary>The chain with a ∈ <see cref="GridPosterior.Grid"/> given by its index (the parameter of SMC² and particle Gibbs tests).</summary>
    public static Unfold<double, int> GridChain() => new(DynamicModel.Create<(int T, double State, int Params), double>("lgssm-grid-step", (t, s) =>
    {
        var x = t.Sample("x", new Normal(s.T == 0 ? 0 : GridPosterior.Grid[s.Params] * s.State, 1));
        if (s.T > 0) t.Sample("y", new Normal(x, 0.5));
        return x;
    }), "lgssm-grid");

    /// <summary>One map per step: empty at step 0, yₜ at step t.</summary>
    public static IReadOnlyList<ChoiceMap> Observations(double[] ys) =>
        new[] { ChoiceMap.Empty }.Concat(ys.Select(y => ChoiceMap.From(("y", y)))).ToList();

    /// <summary>The RTS smoother's means and variances of x₀..x_T (exact: Kalman forward, Rauch–Tung–Striebel backward).</summary>
    public static (double[] Mean, double[] Variance) Smoother(double[] ys, double a)
    {
        var n = ys.Length + 1;
        double[] m = new double[n], p = new double[n], mp = new double[n], pp = new double[n];
        (m[0], p[0]) = (0, 1);
        for (var t = 1; t < n; t++)
        {
            mp[t] = a * m[t - 1];
            pp[t] = a * a * p[t - 1] + 1;
            var k = pp[t] / (pp[t] + 0.25);
            m[t] = mp[t] + k * (ys[t - 1] - mp[t]);
            p[t] = (1 - k) * pp[t];
        }
        double[] ms = (double[])m.Clone(), ps = (double[])p.Clone();
        for (var t = n - 2; t >= 0; t--)
        {
            var j = p[t] * a / pp[t + 1];
            ms[t] = m[t] + j * (ms[t + 1] - mp[t + 1]);
            ps[t] = p[t] + j * j * (ps[t + 1] - pp[t + 1]);
        }
        return (ms, ps);
    }
}
