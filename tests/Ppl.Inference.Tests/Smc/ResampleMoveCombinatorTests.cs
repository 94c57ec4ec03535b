using Ppl.Distributions;
using Ppl.Inference.Mcmc;
using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

using ChainState = TraceState<(int Steps, double Init, double Params), IReadOnlyList<double>>;

/// <summary>Resample-move SMC over Unfold and Map against the Kalman filter and a conjugate plate.</summary>
public class ResampleMoveCombinatorTests(ITestOutputHelper output)
{
    private static readonly double[] Ys = SmcModels.SimulateLgssm(8, 5, 0.9);

    /// <summary>MH with prior proposals on the last two states: the rejuvenation a filter for a chain would use.</summary>
    private static IKernel<ChainState> LastTwo(int t) =>
        Kernel.Mh<(int Steps, double Init, double Params), IReadOnlyList<double>>(
            t == 0 ? Selection.At(new Address(0, "x")) : Selection.At(new Address(t, "x"), new Address(t - 1, "x")));

    /// <summary>
    /// Not a valid move: it shifts the last state by 0.5 and always accepts, so it does not leave the partial posterior
    /// invariant (the negative control).
    /// </summary>
    private sealed class Shift : IKernel<ChainState>
    {
        public ChainState Step(ChainState state, Rng rng)
        {
            var trace = state.Trace;
            var last = new Address(trace.Args.Steps - 1, "x");
            var moved = trace.GenerativeFunction.Update(trace, trace.Args, ChoiceMap.Empty.Set(last, trace.Choices.Get<double>(last) + 0.5), rng).Trace;
            return state with { Trace = moved };
        }
    }

    [Fact]
    public void UnfoldEvidenceIsUnbiased_AndTheLastStateHasTheKalmanMean_AndAMoveThatBreaksTheTargetFails()
    {
        var model = CombinatorSmcModels.Chain();
        var observations = CombinatorSmcModels.Observations(Ys);
        var (logZ, mean, _) = SmcModels.Kalman(Ys, 0.9);
        var rng = new Rng(11);
        const int runs = 40;
        var ratios = new double[runs];
        var means = new double[runs];
        var wrongMeans = new double[runs / 4];
        for (var r = 0; r < runs; r++)
        {
            var result = ResampleMove.Unfold(model, 0.0, 0.9, observations, 60, LastTwo, rng);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            means[r] = result.Population.Mean(t => t.Return[^1]);
            if (r >= wrongMeans.Length) continue;
            var wrong = ResampleMove.Unfold(model, 0.0, 0.9, observations, 60, _ => new Shift(), rng);
            wrongMeans[r] = wrong.Population.Mean(t => t.Return[^1]);
        }
        var (zMean, zSe) = SmcModels.MeanAndSe(ratios);
        var (xMean, xSe) = SmcModels.MeanAndSe(means);
        var (wMean, wSe) = SmcModels.MeanAndSe(wrongMeans);
        output.WriteLine($"Ẑ/Z {zMean} ± {zSe}; E[x_T] {xMean} ± {xSe} (Kalman {mean}); shifted move {wMean} ± {wSe}");
        Assert.True(Math.Abs(zMean - 1) <= 5 * zSe, $"mean Ẑ/Z {zMean} ± {zSe}");
        Assert.True(Math.Abs(xMean - mean) <= 5 * xSe, $"E[x_T] {xMean} ± {xSe} vs Kalman {mean}");
        Assert.True(Math.Abs(wMean - mean) > 5 * wSe, $"negative control passed: {wMean} ± {wSe} vs Kalman {mean}");
    }

    [Fact]
    public void AMoveOnTheLastStateRunsTheKernelOncePerParticle_AndMovesRejuvenateTheFirstState()
    {
        var model = CombinatorSmcModels.Chain();
        var observations = CombinatorSmcModels.Observations(Ys);
        var before = model.KernelVisits;
        ResampleMove.Unfold(model, 0.0, 0.9, observations, 30,
            t => Kernel.Mh<(int Steps, double Init, double Params), IReadOnlyList<double>>(Selection.At(new Address(t, "x"))), new Rng(3));
        // One extension and one regeneration per particle per step: O(T), not a replay of the prefix.
        Assert.Equal(2 * 30 * observations.Count, model.KernelVisits - before);

        // Bootstrap SMC resampling every step collapses x₀ onto few values; moving every state keeps them diverse.
        var plain = UnfoldSmc.Run(model, 0.0, 0.9, observations, 30, new Rng(4), essThreshold: 1);
        var moved = ResampleMove.Unfold(model, 0.0, 0.9, observations, 30,
            _ => Kernel.Mh<(int Steps, double Init, double Params), IReadOnlyList<double>>(Selection.At(new Address(0, "x"))), new Rng(4));
        var distinctPlain = plain.Population.Particles.Select(t => t.Return[0]).Distinct().Count();
        var distinctMoved = moved.Population.Particles.Select(t => t.Return[0]).Distinct().Count();
        Assert.True(distinctMoved > distinctPlain, $"distinct x₀: moved {distinctMoved}, bootstrap {distinctPlain}");
    }

    /// <summary>xₖ ~ N(mₖ, 1), yₖ ~ N(xₖ, 1): Z = Πₖ N(yₖ; mₖ, 2), E[xₖ | yₖ] = (mₖ + yₖ)/2.</summary>
    private static Map<double, double> Plate() => new(DynamicModel.Create<double, double>("conjugate-item", (t, m) =>
    {
        var x = t.Sample("x", new Normal(m, 1));
        t.Sample("y", new Normal(x, 1));
        return x;
    }));

    [Fact]
    public void MapEvidenceIsUnbiased_AndTheFirstItemHasItsPosteriorMean()
    {
        var items = new[] { 0.0, 1.0, -0.5, 2.0 };
        var ys = new[] { 1.2, 0.3, -1.5, 2.4 };
        var observations = ys.Select(y => ChoiceMap.From(("y", y))).ToList();
        var logZ = items.Zip(ys, (m, y) => new Normal(m, Math.Sqrt(2)).LogDensity(y)).Sum();
        var rng = new Rng(21);
        const int runs = 200;
        var ratios = new double[runs];
        var means = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = ResampleMove.Map(Plate(), items, observations, 20,
                k => Kernel.Mh<IReadOnlyList<double>, IReadOnlyList<double>>(Selection.At(Enumerable.Range(0, k + 1).Select(j => new Address(j, "x")).ToArray())), rng);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            means[r] = result.Population.Mean(t => t.Return[0]);
        }
        var (zMean, zSe) = SmcModels.MeanAndSe(ratios);
        var (xMean, xSe) = SmcModels.MeanAndSe(means);
        var exact = (items[0] + ys[0]) / 2;
        output.WriteLine($"Ẑ/Z {zMean} ± {zSe}; E[x₀] {xMean} ± {xSe} (exact {exact})");
        Assert.True(Math.Abs(zMean - 1) <= 5 * zSe, $"mean Ẑ/Z {zMean} ± {zSe}");
        Assert.True(Math.Abs(xMean - exact) <= 5 * xSe, $"E[x₀] {xMean} ± {xSe} vs {exact}");
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var model = CombinatorSmcModels.Chain();
        var observations = new[] { ChoiceMap.Empty, null! };
        var e = Assert.Throws<ArgumentException>(() => ResampleMove.Unfold(model, 0.0, 0.9, observations, 10, LastTwo, new Rng(1)));
        Assert.Equal("observations", e.ParamName);
        Assert.Contains("step 1", e.Message);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => ResampleMove.Unfold(model, 0.0, 0.9, CombinatorSmcModels.Observations(Ys), 0, LastTwo, new Rng(1)));
        Assert.Equal("particles", p.ParamName);
        Assert.Contains("ResampleMove.Unfold", p.Message);
        var m = Assert.Throws<ArgumentException>(() => ResampleMove.Map(Plate(), new[] { 0.0, 1.0 }, new[] { ChoiceMap.Empty }, 10, _ => null, new Rng(1)));
        Assert.Contains("2 items but 1 observation maps", m.Message);
        Assert.Contains("ResampleMove.Map", m.Message);
        // A misspelled selection in the move is named by the kernel's own check.
        var u = Assert.Throws<UnknownAddressException>(() => ResampleMove.Unfold(model, 0.0, 0.9, CombinatorSmcModels.Observations(Ys), 120,
            t => Kernel.Mh<(int Steps, double Init, double Params), IReadOnlyList<double>>(Selection.At(new Address(t, "z"))), new Rng(1)));
        Assert.Contains("z", u.Message);
    }
}
