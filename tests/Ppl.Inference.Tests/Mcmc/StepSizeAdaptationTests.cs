using Ppl.Inference.Mcmc;
using Ppl.Inference.Tests.Mcmc.Differentiable;
using Xunit;

using Ppl.Tests.Shared;

namespace Ppl.Inference.Tests.Mcmc;

/// <summary>
/// Warm-up as Stan runs it (stan-dev/stan: stepsize_adaptation.hpp, windowed_adaptation.hpp,
/// adapt_diag_e_nuts.hpp, base_nuts.hpp), and what it gives on an easy and a hard posterior. The figures quoted
/// for Stan were measured with rstan 2.21.7 (whose sampler files match stan-dev/stan's of October 2024 but for
/// comments), 4 chains × 1000 warm-up + 1000 draws, seeds 1, 1001, …, 29001 (<c>Rscript bench/stan/adapt.R 30</c>).
/// </summary>
public class StepSizeAdaptationTests
{
    /// <summary>Dual averaging: values of Stan's recurrence worked out independently (γ = 0.05, t₀ = 10, κ = 0.75, μ = log 10ε₀, statistics clipped at 1).</summary>
    [Fact]
    public void DualAveragingFollowsStansRecurrence()
    {
        var da = DualAveraging.Start(0.5, 0.8);
        Assert.Equal(Math.Log(5), da.Mu, 15);
        (double Eps, double SBar, double XBar)[] expected =
        [
            (2.8978913939240467, 0.02727272727272728, 1.0639833669795546),
            (3.1206252788913043, 0.016666666666666673, 1.1080137750775436),
            (4.999999999999997, 1.0408340855860843e-17, 1.3279842006249052),
            (1.1982551822088787, 0.03571428571428572, 0.9224168424540029),
        ];
        double[] stats = [0.5, 0.9, 1.2, 0.3];
        for (var k = 0; k < stats.Length; k++)
        {
            (da, var eps) = da.Update(stats[k]);
            Assert.Equal(expected[k].Eps, eps, 1e-12);
            Assert.Equal(expected[k].SBar, da.SBar, 1e-14);
            Assert.Equal(expected[k].XBar, da.XBar, 1e-12);
        }
        Assert.Equal(Math.Exp(0.9224168424540029), da.FinalStepSize, 1e-12);
    }

    /// <summary>
    /// Windows end where Stan's do (75-iteration initial buffer, windows 25, 50, 100, 200 and a last one stretched to
    /// the 50-iteration terminal buffer; 15%/75%/10% below 150 iterations); at each end dual averaging restarts with
    /// μ = log(10 ε) of the re-initialised ε, and the metric becomes the window's regularised sample variance
    /// (n/(n + 5))·σ̂² + 10⁻³·5/(n + 5); warm-up ends on exp of the averaged iterate.
    /// </summary>
    [Theory]
    [InlineData(1000, new[] { 99, 149, 249, 449, 949 })]
    [InlineData(100, new[] { 89 })]
    public void WindowsRestartsAndFinalStepSizeAreStans(int warmup, int[] windowEnds)
    {
        var density = new StdNormal(3);
        var kernel = new NutsKernel();
        var rng = new Rng(4);
        var state = kernel.Init(density, [0.5, -0.3, 1.0], warmup, rng);
        var ends = new List<int>();
        var window = new List<double[]>();
        var windowStart = warmup >= 150 ? 75 : (int)(0.15 * warmup);
        for (var i = 0; i < warmup; i++)
        {
            var before = state;
            state = kernel.Step(density, state, rng);
            if (i >= windowStart) window.Add(state.Position);
            if (i < warmup - 1)
            {
                Assert.NotNull(state.Adaptation);
                if (!ReferenceEquals(before.Metric, state.Metric))
                {
                    ends.Add(i);
                    double n = window.Count;
                    var inverse = ((DiagonalMetric)state.Metric).InverseDiagonal;
                    for (var d = 0; d < 3; d++)
                    {
                        var mean = window.Average(x => x[d]);
                        var variance = window.Sum(x => (x[d] - mean) * (x[d] - mean)) / (n - 1);
                        Assert.Equal(n / (n + 5) * variance + 1e-3 * 5 / (n + 5), inverse[d], 1e-12);
                    }
                    window.Clear();
                    Assert.Equal(0, state.Adaptation.StepSize.Counter);
                    Assert.Equal(Math.Log(10 * state.StepSize), state.Adaptation.StepSize.Mu, 12);
                }
                else
                {
                    Assert.Equal(before.Adaptation!.StepSize.Counter + 1, state.Adaptation.StepSize.Counter);
                }
            }
            else
            {
                Assert.Null(state.Adaptation);
                var last = before.Adaptation!.StepSize.Update(state.Stats.AcceptStat).Next;
                Assert.Equal(last.FinalStepSize, state.StepSize, 14);
            }
        }
        Assert.Equal(windowEnds, ends);
        var nominal = state.StepSize;
        for (var i = 0; i < 20; i++)
        {
            state = kernel.Step(density, state, rng);
            Assert.Equal(nominal, state.StepSize);
            Assert.Equal(nominal, state.Stats.StepSize);
        }
    }

    /// <summary>
    /// The acceptance statistic is the mean of min(1, e^(H₀ − H)) over every leapfrog step of the trajectory, the
    /// divergent one included (it adds 0 and counts in the denominator), as in Stan's base_nuts.
    /// </summary>
    [Fact]
    public void DivergentStepsCountInTheAcceptanceStatistic()
    {
        // A standard normal cut at |x| = 2: the log density is NaN outside, so a trajectory that leaves diverges.
        var density = new CutNormal(2);
        var first = new NutsKernel { InitialStepSize = 10 };
        var s = first.Step(density, first.Init(density, [0.5], 0, new Rng(1)), new Rng(2));
        Assert.True(s.Stats.Divergent);
        Assert.Equal(1, s.Stats.LeapfrogSteps);
        Assert.Equal(0, s.Stats.AcceptStat);
        Assert.Equal(0, s.Stats.TreeDepth);

        var kernel = new NutsKernel { InitialStepSize = 0.9 };
        var rng = new Rng(3);
        var state = kernel.Init(density, [0.5], 0, rng);
        var divergent = 0;
        for (var i = 0; i < 400; i++)
        {
            state = kernel.Step(density, state, rng);
            if (!state.Stats.Divergent) continue;
            divergent++;
            // The last step added 0: the sum of the others is at most LeapfrogSteps − 1.
            Assert.True(state.Stats.AcceptStat * state.Stats.LeapfrogSteps <= state.Stats.LeapfrogSteps - 1 + 1e-12,
                $"accept {state.Stats.AcceptStat} over {state.Stats.LeapfrogSteps} steps");
        }
        Assert.True(divergent > 20, $"{divergent} divergent transitions");
    }

    /// <summary>Stan's stepsize_jitter: each transition's ε is drawn in [(1 − j)ε, (1 + j)ε]; the nominal ε is what adapts and what is kept.</summary>
    [Fact]
    public void JitterMovesEachTransitionsStepButNotTheNominalOne()
    {
        var density = new StdNormal(4);
        var kernel = new NutsKernel { StepSizeJitter = 0.5 };
        var rng = new Rng(6);
        var state = kernel.Init(density, [0.1, 0.2, 0.3, 0.4], 200, rng);
        for (var i = 0; i < 200; i++) state = kernel.Step(density, state, rng);
        var nominal = state.StepSize;
        var used = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            state = kernel.Step(density, state, rng);
            Assert.Equal(nominal, state.StepSize);
            used.Add(state.Stats.StepSize);
        }
        Assert.All(used, e => Assert.InRange(e, 0.5 * nominal, 1.5 * nominal));
        Assert.True(used.Min() < 0.7 * nominal && used.Max() > 1.3 * nominal, $"{used.Min() / nominal} … {used.Max() / nominal}");
        Assert.Throws<ArgumentOutOfRangeException>(() => new NutsKernel { StepSizeJitter = 1.5 });
    }

    /// <summary>
    /// A well-conditioned posterior (10-dimensional standard normal): at target 0.95 the mean acceptance statistic
    /// after warm-up is the target (Stan: 0.944–0.961 over 30 seeds, mean 0.952); at 0.8 it is above it, at Stan's
    /// figure (0.859–0.897 over 30 seeds, mean 0.880; here 0.865–0.901, mean 0.884): ε = exp(x̄) averages log ε over a short terminal window in which the
    /// iterates scatter, and the acceptance statistic is concave in log ε.
    /// </summary>
    [Theory]
    [InlineData(0.95, 0.95)]
    [InlineData(0.8, 0.88)]
    public void WellConditionedPosteriorReachesStansAcceptance(double target, double stan)
    {
        var r = McmcSampler.Sample(new StdNormal(10), new NutsKernel { TargetAccept = target },
            new McmcSettings { Chains = 4, Warmup = 1000, Draws = 1000 }, new Rng(21));
        Assert.InRange(r.MeanAcceptStat, stan - 0.03, stan + 0.03);
        Assert.Equal(0, r.Divergences);
    }

    /// <summary>
    /// The centred eight schools (a funnel), 4 chains × 1000 + 1000 as in the issue, seeds 1, 1001, 2001, 3001: raising
    /// the target from 0.8 to 0.95 lowers the step size, raises the acceptance statistic and lowers the divergences of
    /// the typical chain (the median over the 16 chains). Not the total: it is dominated by the odd chain that reaches
    /// the neck and stays there, diverging, for hundreds of draws at either target. Over 30 seeds the total fell in 18
    /// (hand-written density) and 25 ([Model] form) of 30 here and in 19 of 30 in Stan; the median chain's count fell
    /// from 15 to 6.5 here and from 18 to 7 in Stan. The mean acceptance statistic after warm-up stays below the target on this posterior, in
    /// Stan too (mean over 30 seeds 0.773 at 0.8 and 0.881 at 0.95; here 0.777 and 0.882).
    /// </summary>
    [Fact]
    public void CentredEightSchoolsHigherTargetFewerDivergences()
    {
        var density = new CentredEightSchools();
        var settings = new McmcSettings { Chains = 4, Warmup = 1000, Draws = 1000 };
        (double MedianDivergences, double Accept, double StepSize) Pooled(double target)
        {
            var runs = Enumerable.Range(0, 4).Select(k => McmcSampler.Sample(density, new NutsKernel { TargetAccept = target }, settings, new Rng(1 + 1000 * k))).ToArray();
            var perChain = runs.SelectMany(r => r.Stats).Select(c => (double)c.Count(s => s.Divergent)).Order().ToArray();
            var median = 0.5 * (perChain[perChain.Length / 2 - 1] + perChain[perChain.Length / 2]);
            return (median, runs.Average(r => r.MeanAcceptStat), runs.SelectMany(r => r.Stats).Average(c => c[0].StepSize));
        }
        var low = Pooled(0.8);
        var high = Pooled(0.95);
        Assert.True(high.MedianDivergences < low.MedianDivergences, $"median divergences per chain: {low.MedianDivergences} at 0.8, {high.MedianDivergences} at 0.95");
        Assert.True(high.Accept > low.Accept + 0.03, $"mean accept_stat: {low.Accept} at 0.8, {high.Accept} at 0.95");
        Assert.True(high.StepSize < 0.75 * low.StepSize, $"mean step size: {low.StepSize} at 0.8, {high.StepSize} at 0.95");
    }

    /// <summary>The hand-written centred eight schools is the [Model] form's density, up to a constant, gradient included.</summary>
    [Fact]
    public void HandWrittenCentredEightSchoolsIsTheModelsDensity()
    {
        var model = ModelDensity.Create(DifferentiableModels.CentredEightSchoolsModel, (CentredEightSchools.Y, CentredEightSchools.Sigma), ChoiceMap.Empty);
        Assert.Equal(["mu", "tau", .. Enumerable.Range(0, 8).Select(j => $"theta/{j}")], model.Addresses.Select(a => a.ToString()));
        var hand = new CentredEightSchools();
        var rng = new Rng(8);
        double? offset = null;
        for (var k = 0; k < 50; k++)
        {
            var x = Enumerable.Range(0, 10).Select(_ => 3 * rng.NextGaussian()).ToArray();
            double[] g1 = new double[10], g2 = new double[10];
            var d = model.LogDensityAndGradient(x, g1) - hand.LogDensityAndGradient(x, g2);
            offset ??= d;
            var scale = 1 + Math.Abs(hand.LogDensity(x));
            Assert.Equal(offset.Value, d, 1e-12 * scale);
            for (var i = 0; i < 10; i++) Assert.Equal(g1[i], g2[i], 1e-12 * scale * (1 + Math.Abs(g1[i])));
        }
    }


    /// <summary>A one-dimensional standard normal restricted to |x| &lt; <c>bound</c>, NaN outside.</summary>
    private sealed class CutNormal(double bound) : IDifferentiableDensity
    {
        public int Dimension => 1;

        public double LogDensity(ReadOnlySpan<double> x) => LogDensityAndGradient(x, new double[1]);

        public double LogDensityAndGradient(ReadOnlySpan<double> x, Span<double> g)
        {
            g[0] = -x[0];
            return Math.Abs(x[0]) < bound ? -0.5 * x[0] * x[0] : double.NaN;
        }
    }
}
