using Ppl.Distributions;
using Ppl.Inference.Smc;
using Xunit;
using Xunit.Abstractions;

namespace Ppl.Inference.Tests.Smc;

/// <summary>Conditional SMC and particle Gibbs over Unfold and Map against the RTS smoother and the grid posterior of a.</summary>
public class ParticleGibbsCombinatorTests(ITestOutputHelper output)
{
    private static readonly double[] Ys = SmcModels.SimulateLgssm(6, 3, 0.9);

    [Fact]
    public void ConditionalSmcKeepsTheReference_AndKeepsTheObservations()
    {
        // Particle 0 follows the reference, so with N = 2 a sweep returns the reference's path itself with positive
        // probability (and a fresh one otherwise); a sweep that lost the reference would never return it exactly.
        var model = CombinatorSmcModels.Chain();
        var observations = CombinatorSmcModels.Observations(Ys);
        var rng = new Rng(2);
        var reference = ConditionalSmc.Unfold(model, 0.0, 0.9, observations, null, 50, rng);
        Assert.Equal(Ys.Length + 1, reference.Return.Count);
        var sweeps = Enumerable.Range(0, 40).Select(_ => ConditionalSmc.Unfold(model, 0.0, 0.9, observations, reference, 2, rng, ancestorSampling: false)).ToList();
        var same = sweeps.Count(s => s.Return.SequenceEqual(reference.Return));
        Assert.InRange(same, 1, sweeps.Count - 1);
        Assert.All(sweeps, s => Assert.All(Enumerable.Range(1, Ys.Length), t => Assert.Equal(Ys[t - 1], s.Choices.Get<double>(new Address(t, "y")))));
    }

    [Theory]
    [InlineData(true, 6, 600)]
    [InlineData(false, 6, 600)]
    public void IteratedConditionalSmcHasTheSmoothingMeans_AndDroppingTheReferenceDoesNot(bool ancestorSampling, int particles, int iterations)
    {
        var model = CombinatorSmcModels.Chain();
        var observations = CombinatorSmcModels.Observations(Ys);
        var (exact, variance) = CombinatorSmcModels.Smoother(Ys, 0.9);
        var rng = new Rng(ancestorSampling ? 13 : 14);
        var chains = Enumerable.Range(0, 2).Select(_ => ParticleGibbs.Unfold(model, 0.0, 0.9, observations, particles, iterations, rng.Split(),
            ancestorSampling: ancestorSampling).Paths.ToArray()).ToArray();
        // Without ancestor sampling the early states barely mix with few particles (path degeneracy): check the last.
        foreach (var t in ancestorSampling ? new[] { 0, Ys.Length / 2, Ys.Length } : new[] { Ys.Length })
        {
            var moment = Mcmc.MomentCheck.Of(chains.Select(c => c.Select(p => p[t]).ToArray()).ToArray(), exact[t]);
            output.WriteLine($"x_{t}: {moment}");
            Assert.True(Math.Abs(moment.Z) <= 5, $"E[x_{t}]: {moment}");
        }
        var square = SecondMoment(chains, exact[^1], variance[^1]);
        output.WriteLine($"x_T²: {square}");
        Assert.True(Math.Abs(square.Z) <= 5, $"E[x_T²]: {square}");
        if (!ancestorSampling) return;

        // Negative control: sweeps that drop the reference (each a fresh unconditional filter's draw with N = 2) are
        // independent draws from the filter's approximation, too wide around x_T: the same check rejects them.
        var wrong = Enumerable.Range(0, 2).Select(_ =>
        {
            var r = rng.Split();
            return Enumerable.Range(0, 400).Select(_ => ConditionalSmc.Unfold(model, 0.0, 0.9, observations, null, 2, r.Split()).Return.ToArray()).ToArray();
        }).ToArray();
        var bad = SecondMoment(wrong, exact[^1], variance[^1]);
        output.WriteLine($"no reference, x_T²: {bad}");
        Assert.True(Math.Abs(bad.Z) > 5, $"negative control passed: {bad}");
    }

    /// <summary>E[x_T²] of the chains against m² + v.</summary>
    private static Mcmc.MomentCheck.Moment SecondMoment(double[][][] chains, double mean, double variance) =>
        Mcmc.MomentCheck.Of(chains.Select(c => c.Select(p => p[^1] * p[^1]).ToArray()).ToArray(), mean * mean + variance);

    [Fact]
    public void ParticleGibbsWithParameterMhRecoversTheGridPosterior_AndAnUpdateWithoutTheLikelihoodDoesNot()
    {
        var model = CombinatorSmcModels.GridChain();
        var observations = CombinatorSmcModels.Observations(GridPosterior.Data);
        var update = ParticleGibbs.UnfoldParameterMh<double, int>(_ => 0, GridPosterior.ProposeOther);
        var rng = new Rng(23);
        var chains = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Unfold(model, 0.0, 1, observations, 5, 300, rng.Split(), update).Parameters).ToArray();
        var ok = GridPosterior.Matches(GridPosterior.Frequencies(chains), GridPosterior.Posterior, out var report);
        output.WriteLine($"particle Gibbs over Unfold: {report}");
        Assert.True(ok, report);

        // Negative control: a parameter update that drops the Update weight (the likelihood of the path) draws a from its prior.
        var prior = Enumerable.Range(0, 4).Select(_ => ParticleGibbs.Unfold(model, 0.0, 1, observations, 5, 100, rng.Split(),
            (_, r) => r.Next(GridPosterior.Grid.Length)).Parameters).ToArray();
        var bad = GridPosterior.Matches(GridPosterior.Frequencies(prior), GridPosterior.Posterior, out var badReport);
        output.WriteLine($"negative control: {badReport}");
        Assert.False(bad, "negative control passed: " + badReport);
    }

    [Fact]
    public void ConditionalSmcOverAMapHasThePosteriorMean()
    {
        var plate = new Map<double, double>(DynamicModel.Create<double, double>("conjugate-item", (t, m) =>
        {
            var x = t.Sample("x", new Normal(m, 1));
            t.Sample("y", new Normal(x, 1));
            return x;
        }));
        var items = new[] { 0.0, 1.0, -0.5 };
        var observations = new[] { 1.2, 0.3, -1.5 }.Select(y => ChoiceMap.From(("y", y))).ToList();
        var rng = new Rng(5);
        var chains = Enumerable.Range(0, 2).Select(_ =>
        {
            var r = rng.Split();
            var trace = ConditionalSmc.Map(plate, items, observations, null, 3, r);
            var draws = new double[800];
            for (var i = 0; i < draws.Length; i++)
            {
                trace = ConditionalSmc.Map(plate, items, observations, trace, 3, r);
                draws[i] = trace.Return[2];
            }
            return draws;
        }).ToArray();
        var moment = Mcmc.MomentCheck.Of(chains, (-0.5 + -1.5) / 2);
        output.WriteLine($"x_2: {moment}");
        Assert.True(Math.Abs(moment.Z) <= 5, $"E[x_2]: {moment}");
    }

    [Fact]
    public void BadInputIsNamed()
    {
        var model = CombinatorSmcModels.Chain();
        var observations = CombinatorSmcModels.Observations(Ys);
        var rng = new Rng(1);
        var p = Assert.Throws<ArgumentOutOfRangeException>(() => ConditionalSmc.Unfold(model, 0.0, 0.9, observations, null, 1, rng));
        Assert.Equal("particles", p.ParamName);
        Assert.Contains("at least 2 particles", p.Message);
        var pg = Assert.Throws<ArgumentOutOfRangeException>(() => ParticleGibbs.Unfold(model, 0.0, 0.9, observations, 1, 10, rng));
        Assert.Contains("ParticleGibbs.Unfold", pg.Message);

        var shorter = ConditionalSmc.Unfold(model, 0.0, 0.9, observations.Take(3).ToList(), null, 5, rng);
        var steps = Assert.Throws<ArgumentException>(() => ConditionalSmc.Unfold(model, 0.0, 0.9, observations, shorter, 5, rng));
        Assert.Equal("reference", steps.ParamName);
        Assert.Contains($"has 3 steps but there are {observations.Count} observation maps", steps.Message);

        // A reference missing a latent choice: the step-2 state was never given.
        var full = ConditionalSmc.Unfold(model, 0.0, 0.9, observations, null, 5, rng);
        var holed = model.Generate(full.Args, full.Choices, rng).Trace;
        var lacking = new LackingTrace(holed, new Address(2, "x"));
        var missing = Assert.Throws<ArgumentException>(() => ConditionalSmc.Unfold(model, 0.0, 0.9, observations, lacking, 5, rng));
        Assert.Contains("'2/x'", missing.Message);

        var nan = new List<ChoiceMap>(observations) { [1] = ChoiceMap.From(("y", double.NaN)) };
        var n = Assert.Throws<ModelException>(() => ConditionalSmc.Unfold(model, 0.0, 0.9, nan, null, 5, rng));
        Assert.Contains("'1/y'", n.Message);
    }

    /// <summary>A trace whose choice map lacks one address (a hand-made reference with a hole).</summary>
    private sealed class LackingTrace(ITrace<(int Steps, double Init, double Params), IReadOnlyList<double>> inner, Address hole)
        : ITrace<(int Steps, double Init, double Params), IReadOnlyList<double>>
    {
        public (int Steps, double Init, double Params) Args => inner.Args;
        public IReadOnlyList<double> Return => inner.Return;
        public double Score => inner.Score;
        public ChoiceMap Choices { get; } = Without(inner.Choices, hole);
        public object? ArgsObject => inner.ArgsObject;
        public object? ReturnObject => inner.ReturnObject;
        public IGenerativeFunction Function => inner.Function;
        public IGenerativeFunction<(int Steps, double Init, double Params), IReadOnlyList<double>> GenerativeFunction => inner.GenerativeFunction;

        private static ChoiceMap Without(ChoiceMap choices, Address hole)
        {
            var kept = ChoiceMap.Empty;
            foreach (var (a, v) in choices.Leaves)
                if (!a.Equals(hole)) kept = kept.Set(a, v);
            return kept;
        }
    }
}
