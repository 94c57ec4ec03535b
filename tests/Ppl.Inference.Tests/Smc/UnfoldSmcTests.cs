using Ppl.Distributions;
using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>SMC over the Unfold combinator against the Kalman filter on the linear-Gaussian SSM (papers.md 1.6 S1).</summary>
public class UnfoldSmcTests
{
    private static readonly double[] Ys = { 0.4, 1.1, 0.2, -0.7, -1.5, -0.3, 0.9, 1.8, 1.2, 0.1 };

    /// <summary>x_0 ~ N(0, 1), x_t = 0.9 x_{t−1} + N(0, 1), y_t ~ N(x_t, 0.5²).</summary>
    private static Unfold<double, Unit> MakeModel() => new(DynamicModel.Create<(int T, double State, Unit Params), double>("lgssm-step", (t, a) =>
    {
        var x = t.Sample("x", new Normal(a.T == 0 ? 0 : 0.9 * a.State, 1));
        t.Sample("y", new Normal(x, 0.5));
        return x;
    }));

    private static IReadOnlyList<ChoiceMap> Observations(int steps) =>
        Ys.Take(steps).Select(y => ChoiceMap.From(("y", y))).ToList();

    // The first state is observed directly (x₁ ~ N(0, 1)): the filter with no x₀ variance.
    private static double KalmanLogEvidence(int steps) => ScalarKalman.Filter(Ys.Take(steps).ToArray(), initialVariance: 0).LogEvidence;

    [Theory]
    [InlineData(2, 3, 4000)]
    [InlineData(100, 10, 1000)]
    public void EvidenceIsUnbiased_AndResamplingThatForgetsZFails(int particles, int steps, int runs)
    {
        var model = MakeModel();
        var logZ = KalmanLogEvidence(steps);
        var rng = new Rng(31);
        var ratios = new double[runs];
        var wrong = new double[runs];
        for (var r = 0; r < runs; r++)
        {
            var result = UnfoldSmc.Run(model, 0.0, Unit.Value, Observations(steps), particles, rng, essThreshold: 1.0);
            ratios[r] = Math.Exp(result.LogEvidence - logZ);
            // Negative control (the issue's): resampling that resets weights to 1/N instead of Z/N keeps only
            // the increments since the last resampling — here, the last step's.
            wrong[r] = Math.Exp(result.Steps[^1].LogEvidence - result.Steps[^2].LogEvidence - logZ);
        }
        var (mean, se) = MeanSe(ratios);
        Assert.True(Math.Abs(mean - 1) <= 5 * se, $"mean Ẑ/Z {mean} ± {se}");
        Assert.True(ratios.Average(Math.Log) < 0, "mean log Ẑ must lie below log Z (Jensen)");
        var (wm, wse) = MeanSe(wrong);
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }

    [Fact]
    public void EachStepRunsTheKernelOncePerParticle()
    {
        var model = MakeModel();
        var before = model.KernelVisits;
        UnfoldSmc.Run(model, 0.0, Unit.Value, Observations(10), 30, new Rng(2));
        Assert.Equal(30 * 10, model.KernelVisits - before);
    }

    [Fact]
    public void ResultsDependOnlyOnTheSeed()
    {
        var a = UnfoldSmc.Run(MakeModel(), 0.0, Unit.Value, Observations(10), 40, new Rng(8));
        var b = UnfoldSmc.Run(MakeModel(), 0.0, Unit.Value, Observations(10), 40, new Rng(8), options: new RunOptions { MaxDegreeOfParallelism = 1 });
        Assert.Equal(a.LogEvidence, b.LogEvidence);
        Assert.Equal(10, a.Steps.Count);
    }

    private static (double Mean, double Se) MeanSe(IReadOnlyList<double> xs)
    {
        var m = xs.Average();
        return (m, Math.Sqrt(xs.Sum(x => (x - m) * (x - m)) / (xs.Count - 1) / xs.Count));
    }
}
