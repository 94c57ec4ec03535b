using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// Involutive MCMC on a model whose trace structure changes: k ~ Bernoulli(½) gates an extra shift
/// b ~ N(0, 1); μ ~ N(0, 1); yᵢ ~ N(μ + k b, 1). The birth move splits μ into (μ w, μ (1 − w)) with
/// w ~ Uniform(0, 1) (|Jacobian| = |μ|); death merges them back. The exact posterior follows from
/// conjugacy: given k, the total shift s has prior N(0, 1 + k), so P(k | y) and E[μ | y] are closed form. Each test runs
/// on a dynamic model and on the same model written as [Model] methods (<see cref="InvolutiveMhModels"/>).
/// </summary>
public class InvolutiveMhTests(ITestOutputHelper output)
{
    private static readonly double[] Ys = [2.5, 1.9, 3.1];

    private static readonly DynamicModel<int, double> Gated = DynamicModel.Create<int, double>("gated", (t, _) =>
    {
        var k = t.Sample("k", new Bernoulli(0.5));
        var mu = t.Sample("mu", new Normal(0, 1));
        var b = k ? t.Sample("b", new Normal(0, 1)) : 0.0;
        for (var i = 0; i < Ys.Length; i++) t.Sample($"y{i}", new Normal(mu + b, 1));
        return mu + b;
    });

    /// <summary>The auxiliary proposal: a birth (k = 0) draws the split fraction w; a death draws nothing.</summary>
    private static readonly DynamicModel<bool, int> SplitFraction = DynamicModel.Create<bool, int>("split-w", (t, k) =>
    {
        if (!k) t.Sample("w", new Uniform(0, 1));
        return 0;
    });

    private static InvolutionResult? SplitMerge<TArgs>(ITrace<TArgs, double> t, ChoiceMap u, bool withJacobian)
    {
        var mu = t.Get<double>("mu");
        if (!t.Get<bool>("k"))
        {
            var w = u.Get<double>("w");
            return new InvolutionResult(ChoiceMap.Empty.Set("k", true).Set("mu", mu * w).Set("b", mu * (1 - w)), ChoiceMap.Empty,
                withJacobian ? Math.Log(Math.Abs(mu)) : 0);
        }
        var s = mu + t.Get<double>("b");
        var back = mu / s;
        // Only same-signed (μ, b) come from a split; elsewhere the merge is undefined and the move stays put.
        if (!(back > 0 && back < 1)) return null;
        return new InvolutionResult(ChoiceMap.Empty.Set("k", false).Set("mu", s), ChoiceMap.Empty.Set("w", back),
            withJacobian ? -Math.Log(Math.Abs(s)) : 0);
    }

    private static ChoiceMap Observations(bool generated = false)
    {
        var c = ChoiceMap.Empty;
        for (var i = 0; i < Ys.Length; i++) c = generated ? c.Set(new Address("y", i), Ys[i]) : c.Set($"y{i}", Ys[i]);
        return c;
    }

    /// <summary>P(k = 1 | y) and E[μ | y] by conjugacy.</summary>
    private static (double PK, double EMu) Exact()
    {
        var n = Ys.Length;
        var ybar = Ys.Average();
        double Marginal(double v) => MathNet.Numerics.Distributions.Normal.PDF(0, Math.Sqrt(v + 1.0 / n), ybar);
        double ShiftMean(double v) => v * n * ybar / (n * v + 1);
        var pk = Marginal(2) / (Marginal(1) + Marginal(2));
        // Given k = 1 and s, μ and b are exchangeable, so E[μ | s] = s / 2.
        return (pk, (1 - pk) * ShiftMean(1) + pk * ShiftMean(2) / 2);
    }

    private static McmcResult Run(bool withJacobian, ulong seed, bool generated = false)
    {
        var settings = new McmcSettings { Chains = 4, Warmup = 500, Draws = 5000 };
        string[] names = ["k", "mu"];
        if (generated)
        {
            var move = Kernel.Involutive<double[], double, bool, int>(InvolutiveMhModels.SplitFractionModel, t => t.Get<bool>("k"), (t, u) => SplitMerge(t, u, withJacobian));
            var kernel = Kernel.Cycle(move, Kernel.Mh<double[], double>(Selection.At("mu")), Kernel.Mh<double[], double>(Selection.At("b")));
            return McmcSampler.Sample(InvolutiveMhModels.GatedModel, Ys, Observations(generated: true), kernel, settings, new Rng(seed),
                names, t => [t.Get<bool>("k") ? 1 : 0, t.Get<double>("mu")]);
        }
        var dynamicMove = Kernel.Involutive<int, double, bool, int>(SplitFraction, t => t.Get<bool>("k"), (t, u) => SplitMerge(t, u, withJacobian));
        var dynamicKernel = Kernel.Cycle(dynamicMove, Kernel.Mh<int, double>(Selection.At("mu")), Kernel.Mh<int, double>(Selection.At("b")));
        return McmcSampler.Sample(Gated, 0, Observations(), dynamicKernel, settings, new Rng(seed),
            names, t => [t.Get<bool>("k") ? 1 : 0, t.Get<double>("mu")]);
    }

    [Fact]
    public void SplitMergeIsAnInvolution()
    {
        var rng = new Rng(3);
        var t = Gated.Generate(0, Observations().Set("k", false).Set("mu", 1.7), rng).Trace;
        var u = ChoiceMap.Empty.Set("w", 0.3);
        var h = SplitMerge(t, u, true)!.Value;
        var t2 = Gated.Update(t, 0, h.Constraints, rng).Trace;
        var back = SplitMerge(t2, h.BackwardAux, true)!.Value;
        Assert.Equal(1.7, back.Constraints.Get<double>("mu"), 12);
        Assert.Equal(0.3, back.BackwardAux.Get<double>("w"), 12);
        Assert.Equal(0, h.LogAbsDetJacobian + back.LogAbsDetJacobian, 12);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BirthDeathMatchesTheExactPosterior(bool generated)
    {
        var (pk, eMu) = Exact();
        var r = Run(true, 41, generated);
        (Func<double[], double>, double)[] moments = [MomentCheck.M(x => x[0], pk), MomentCheck.M(x => x[1], eMu)];
        output.WriteLine($"with Jacobian:\n{MomentCheck.Describe(r, moments)}");
        MomentCheck.AssertMatches(r, 5, moments);
    }

    /// <summary>Negative control: the same move without its Jacobian term targets the wrong P(k | y), and the check sees it.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MissingJacobianFails(bool generated)
    {
        var (pk, _) = Exact();
        var r = Run(false, 41, generated);
        var z = Math.Abs(MomentCheck.Z(r, x => x[0], pk));
        output.WriteLine($"without Jacobian: |z| of P(k|y) = {z:F2}");
        Assert.True(z > 5, $"|z| = {z}");
    }
}
