using Ppl.Distributions;
using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>SMC over Unfold with a custom proposal per step, against the Kalman filter.</summary>
public class ProposalUnfoldSmcTests(ITestOutputHelper output)
{
    private static readonly double[] Ys = { 0.4, 1.1, 0.2, -0.7, -1.5, -0.3, 0.9, 1.8 };

    /// <summary>x_0 ~ N(0, 1), x_t = 0.9 x_{t−1} + N(0, 1), y_t ~ N(x_t, 0.5²), y observed at every step from t = 0.</summary>
    private static Unfold<double, Unit> Model() => new(DynamicModel.Create<(int T, double State, Unit Params), double>("lgssm-step", (t, a) =>
    {
        var x = t.Sample("x", new Normal(a.T == 0 ? 0 : 0.9 * a.State, 1));
        t.Sample("y", new Normal(x, 0.5));
        return x;
    }));

    /// <summary>The locally optimal proposal p(xₜ | xₜ₋₁, yₜ) = N(v(μ + 4y), v), v = 1/5.</summary>
    private static readonly DynamicModel<(int T, double Previous, Unit Params, ChoiceMap Observations), double> Optimal =
        DynamicModel.Create<(int T, double Previous, Unit Params, ChoiceMap Observations), double>("optimal", (t, a) =>
        {
            var mu = a.T == 0 ? 0 : 0.9 * a.Previous;
            var y = a.Observations.Get<double>("y");
            return t.Sample("x", new Normal(0.2 * (mu + 4 * y), Math.Sqrt(0.2)));
        });

    /// <summary>A proposal that only covers x within ±0.3 of y: it misses part of the posterior's support.</summary>
    private static readonly DynamicModel<(int T, double Previous, Unit Params, ChoiceMap Observations), double> Narrow =
        DynamicModel.Create<(int T, double Previous, Unit Params, ChoiceMap Observations), double>("narrow", (t, a) =>
        {
            var y = a.Observations.Get<double>("y");
            return t.Sample("x", new Uniform(y - 0.3, y + 0.3));
        });

    // The first state is observed directly (x₁ ~ N(0, 1)): the filter with no x₀ variance.
    private static double KalmanLogEvidence(int steps) => ScalarKalman.Filter(Ys.Take(steps).ToArray(), initialVariance: 0).LogEvidence;

    private (double Mean, double Se, double Sd) Ratios<TRet>(DynamicModel<(int T, double Previous, Unit Params, ChoiceMap Observations), TRet> proposal, int particles, int steps, int runs)
    {
        var logZ = KalmanLogEvidence(steps);
        var model = Model();
        var observations = Ys.Take(steps).Select(y => ChoiceMap.From(("y", y))).ToList();
        var rng = new Rng(14);
        var ratios = new double[runs];
        for (var r = 0; r < runs; r++)
            ratios[r] = Math.Exp(ProposalUnfoldSmc.Run(model, proposal, 0.0, Unit.Value, observations, particles, rng.Split(), essThreshold: 1,
                options: new RunOptions { MaxDegreeOfParallelism = 1 }).LogEvidence - logZ);
        var (m, se) = SmcModels.MeanAndSe(ratios);
        var sd = se * Math.Sqrt(runs);
        output.WriteLine($"{proposal.Name}, N = {particles}: mean Ẑ/Z {m:F4} ± {se:F4} (sd {sd:F4})");
        return (m, se, sd);
    }

    [Fact]
    public void OptimalProposal_IsUnbiased_AndBeatsTheBootstrapVariance_AndANarrowProposalIsBiased()
    {
        var (m, se, sd) = Ratios(Optimal, 2, 4, 3000);
        Assert.True(Math.Abs(m - 1) <= 5 * se, $"mean Ẑ/Z = {m} ± {se}");
        var (m10, se10, _) = Ratios(Optimal, 10, 8, 500);
        Assert.True(Math.Abs(m10 - 1) <= 5 * se10, $"mean Ẑ/Z = {m10} ± {se10}");
        // The bootstrap filter (prior proposal) on the same problem has a larger spread of Ẑ/Z.
        var rng = new Rng(14);
        var observations = Ys.Take(4).Select(y => ChoiceMap.From(("y", y))).ToList();
        var logZ = KalmanLogEvidence(4);
        var boot = Enumerable.Range(0, 3000).Select(_ => Math.Exp(UnfoldSmc.Run(Model(), 0.0, Unit.Value, observations, 2, rng.Split(), essThreshold: 1).LogEvidence - logZ)).ToArray();
        var (_, bootSe) = SmcModels.MeanAndSe(boot);
        Assert.True(sd < bootSe * Math.Sqrt(3000), $"optimal sd {sd} vs bootstrap {bootSe * Math.Sqrt(3000)}");
        // Negative control: a proposal that misses part of the support underestimates Z.
        var (wm, wse, _) = Ratios(Narrow, 2, 4, 3000);
        Assert.True(Math.Abs(wm - 1) > 5 * wse, $"negative control passed: {wm} ± {wse}");
    }
}
