using Ppl.Distributions;
using Ppl.Enumeration;
using Ppl.Inference.Smc;
using Xunit;

namespace Ppl.Inference.Tests.Smc;

/// <summary>
/// papers.md 1.6 E1–E5: the randomized algorithms run under the exact enumerator, so the exact
/// distribution of their output is compared with the model's exact distribution (1e-9).
/// </summary>
public class ExactEnumerationTests
{
    private const double Z = 0.5026;
    private const double PRain = 0.0546 / 0.5026;

    private static PausingModel<Unit, bool> Paused => new(SmcModels.Sprinkler);

    /// <summary>Enumerates a program returning (rain, log weight) and gives (Σ weight, P(rain)).</summary>
    private static (double Evidence, double PRain) Enumerated(Func<Rng, (bool Rain, double LogWeight)> program)
    {
        var result = Enumerate.Program(program, v => v.LogWeight);
        return (result.Evidence, result.Probability(e => e.Value.Rain));
    }

    [Fact]
    public void TheModelItselfHasTheKnownAnswer()
    {
        var exact = Enumerate.Model(SmcModels.Sprinkler, Unit.Value);
        Assert.Equal(Z, exact.Evidence, 12);
        Assert.Equal(PRain, exact.Probability(e => e.Value), 12);
        Assert.Equal(0.108635, PRain, 6);
    }

    [Fact]
    public void CollapseOfSpawnedFinishedParticles_IsTheModel()
    {
        var (z, p) = Enumerated(rng =>
        {
            var start = Sequential.Start(Paused.Function, Unit.Value, rng);
            var pop = Population<ITrace<(Unit Args, int Pauses), Paused<bool>>>.Spawn(2, _ => start).FinishAll(rng);
            var (particle, lw) = pop.Collapse(rng);
            return (particle.Return.Return, lw);
        });
        Assert.Equal(Z, z, 9);
        Assert.Equal(PRain, p, 9);
    }

    public static IEnumerable<object[]> ResamplerNames => Resamplers.All.Select(r => new object[] { r.Name });

    private static IResampler ByName(string name) => Resamplers.All.Single(r => r.Name == name);

    [Theory]
    [MemberData(nameof(ResamplerNames))]
    public void CollapseAfterResamplingAFinishedPopulation_IsTheModel_ForN1To3(string resampler)
    {
        for (var n = 1; n <= 3; n++)
        {
            var (z, p) = Enumerated(rng =>
            {
                var start = Sequential.Start(Paused.Function, Unit.Value, rng);
                var pop = Population<ITrace<(Unit Args, int Pauses), Paused<bool>>>.Spawn(n, _ => start).FinishAll(rng)
                    .Resample(ByName(resampler), rng);
                var (particle, lw) = pop.Collapse(rng);
                return (particle.Return.Return, lw);
            });
            Assert.Equal(Z, z, 9);
            Assert.Equal(PRain, p, 9);
        }
    }

    [Theory]
    [MemberData(nameof(ResamplerNames))]
    public void E1_CollapseOfSmcWithTwoParticlesAndTwoSteps_IsExactlyTheModel(string resampler)
    {
        var (z, p) = Enumerated(rng =>
        {
            var result = BootstrapSmc.Run(SmcModels.Sprinkler, Unit.Value, 2, rng, new SmcOptions { Resampler = ByName(resampler), Steps = 2 });
            var (particle, lw) = result.Population.Collapse(rng);
            return (particle.Return.Return, lw);
        });
        Assert.Equal(Z, z, 9);
        Assert.Equal(PRain, p, 9);
    }

    [Fact]
    public void E1_NegativeControl_ResamplingThatForgetsTheEvidence_IsNotTheModel()
    {
        // Offspring weight 1/N instead of Z/N: the distribution of the collapsed output is wrong.
        var (z, p) = Enumerated(rng =>
        {
            var start = Sequential.Start(Paused.Function, Unit.Value, rng);
            var wrong = Population<ITrace<(Unit Args, int Pauses), Paused<bool>>>.Spawn(2, _ => start);
            for (var k = 0; k < 2; k++)
            {
                wrong = wrong.AdvanceAll(rng);
                var resampled = wrong.Resample(Resamplers.Multinomial, rng);
                wrong = resampled.WithLogWeights(Enumerable.Repeat(-Math.Log(2), 2).ToArray());
            }
            var (particle, lw) = wrong.FinishAll(rng).Collapse(rng);
            return (particle.Return.Return, lw);
        });
        Assert.True(Math.Abs(z - Z) > 1e-3 || Math.Abs(p - PRain) > 1e-3, $"Z {z}, P(rain) {p}");
    }

    [Fact]
    public void E1_SisIsExactToo()
    {
        // Resample-move's exactness is checked statistically (S1 unbiasedness): under the enumerator its
        // MH moves multiply the paths beyond what a unit test can walk.
        var (z, p) = Enumerated(rng =>
        {
            var (particle, lw) = Sis.Run(SmcModels.Sprinkler, Unit.Value, 2, rng).Population.Collapse(rng);
            return (particle.Return.Return, lw);
        });
        Assert.Equal(Z, z, 9);
        Assert.Equal(PRain, p, 9);
    }

    [Fact]
    public void FinishChangesNothing_AndAdvancingFirstChangesNothing()
    {
        for (var advances = 0; advances <= 3; advances++)
        {
            var (z, p) = Enumerated(rng =>
            {
                var t = Sequential.Start(Paused.Function, Unit.Value, rng);
                double lw = 0;
                for (var a = 0; a < advances; a++)
                {
                    var (next, w) = t.Advance(rng);
                    t = next;
                    lw += w;
                }
                var (done, rest) = t.Finish(rng);
                Assert.True(done.IsFinished());
                return (done.Return.Return, lw + rest);
            });
            Assert.Equal(Z, z, 12);
            Assert.Equal(PRain, p, 12);
        }
    }

    [Theory]
    // papers.md's k counts advances after the implicit run to the first suspension; ours start before it.
    [InlineData(1, 0.8267716535)]
    [InlineData(2, 0.9988062077)]
    [InlineData(3, 1.0)]
    public void E2_SuspensionProbabilities(int advances, double expected)
    {
        var result = Enumerate.Program(rng =>
        {
            var t = Sequential.Start(Paused.Function, Unit.Value, rng);
            double lw = 0;
            for (var a = 0; a < advances; a++)
            {
                var (next, w) = t.Advance(rng);
                t = next;
                lw += w;
            }
            return (t.IsFinished(), lw);
        }, v => v.lw);
        Assert.Equal(expected, result.Probability(e => e.Value.Item1), 9);
    }

    [Fact]
    public void E3_TwoSync()
    {
        var paused = new PausingModel<Unit, int>(SmcModels.TwoSync).Function;
        foreach (var (advances, finished) in new[] { (1, false), (2, false), (3, true) })
        {
            var result = Enumerate.Program(rng =>
            {
                var t = Sequential.Start(paused, Unit.Value, rng);
                double lw = 0;
                for (var a = 0; a < advances; a++)
                {
                    var (next, w) = t.Advance(rng);
                    t = next;
                    lw += w;
                }
                return (t.IsFinished(), lw);
            }, v => v.lw);
            Assert.Equal(finished ? 1.0 : 0.0, result.Probability(e => e.Value.Item1), 12);
        }
        var smc = Enumerate.Program(rng =>
        {
            // Paths where both particles draw x = 0 have Ẑ = 0; BootstrapSmc rightly refuses those runs, so
            // the blocks are composed directly (resampling leaves a zero-weight population unchanged).
            var start = Sequential.Start(paused, Unit.Value, rng);
            var pop = Population<ITrace<(Unit Args, int Pauses), Paused<int>>>.Spawn(2, _ => start)
                .Sequentially((p, _, r, _) => p.Resample(Resamplers.Multinomial, r), int.MaxValue, rng);
            var (particle, lw) = pop.Collapse(rng);
            return (particle.Return.Return, lw);
        }, v => v.lw);
        Assert.Equal(0.25, smc.Evidence, 12);
        Assert.Equal(1.0, smc.Probability(e => e.Value.Return == 2), 12);
    }

    [Fact]
    public void E4_PopulationSizes()
    {
        var rng = new Rng(1);
        var start = Sequential.Start(Paused.Function, Unit.Value, rng);
        var five = Population<ITrace<(Unit Args, int Pauses), Paused<bool>>>.Spawn(5, _ => start).FinishAll(rng);
        Assert.Equal(5, five.Count);
        Assert.Equal(0.0, Population<int>.Spawn(5, i => i).LogEvidence, 12);
        var fifteen = five.Spawn(3);
        Assert.Equal(15, fifteen.Count);
        Assert.Equal(five.LogEvidence, fifteen.LogEvidence, 12);
        foreach (var r in Resamplers.All)
            Assert.Equal(7, BootstrapSmc.Run(SmcModels.Sprinkler, Unit.Value, 7, rng, new SmcOptions { Resampler = r }).Population.Count);
    }

    [Fact]
    public void E5_WeightsOfRunsAreTheirFactors()
    {
        var model = DynamicModel.Create<double>("weighted", t =>
        {
            var n = t.Sample("n", new DiscreteUniform(0, 2));
            if (n != 0) t.Factor(Math.Log(0.5));
            var x = n == 0 ? 1.0 : t.Sample("x", new Normal(0, 1));
            if (n == 2) t.Factor(Math.Log(x * x));
            return n + 10 * x;
        });
        var paused = new PausingModel<Unit, double>(model).Function;
        var rng = new Rng(3);
        for (var i = 0; i < 200; i++)
        {
            var (t, w) = Sequential.Start(paused, Unit.Value, rng).Finish(rng);
            var n = t.Choices.Get<int>("n");
            var expected = n == 0 ? 0.0 : n == 1 ? Math.Log(0.5) : Math.Log(0.5 * Math.Pow(t.Choices.Get<double>("x"), 2));
            Assert.Equal(expected, w, 12);
        }
    }

    [Fact]
    public void PushedEvidenceAverage_IsThePosteriorExpectation()
    {
        // popAvg f (pushEvidence m) = E_π[f] with f(T) = 10, f(F) = 4: normalise, carry Z outside.
        var result = Enumerate.Program(rng =>
        {
            var start = Sequential.Start(Paused.Function, Unit.Value, rng);
            var pop = Population<ITrace<(Unit Args, int Pauses), Paused<bool>>>.Spawn(2, _ => start).FinishAll(rng);
            var (normalized, logZ) = pop.ExtractEvidence();
            return (normalized.WeightedSum(t => t.Return.Return ? 10 : 4), logZ);
        }, v => v.logZ);
        Assert.Equal(PRain * 10 + (1 - PRain) * 4, result.Expectation(v => v.Item1), 9);
    }

    [Fact]
    public void E6_MhOnTheSprinklerIsInDetailedBalance_AndLeavesThePosteriorInvariant()
    {
        var exact = Enumerate.Model(SmcModels.Sprinkler, Unit.Value);
        var states = exact.Entries.Select(e => (Rain: e.Choices.Get<bool>("rain"), Spr: e.Choices.Get<bool>("sprinkler"), Pi: Math.Exp(e.LogWeight - exact.LogEvidence))).ToList();
        var kernel = new double[4, 4];
        for (var i = 0; i < 4; i++)
        {
            var from = SmcModels.Sprinkler.Generate(Unit.Value, ChoiceMap.Empty.Set("rain", states[i].Rain).Set("sprinkler", states[i].Spr), new Rng(0)).Trace;
            foreach (var site in new[] { "rain", "sprinkler" })
            {
                var moves = Enumerate.Program(rng =>
                {
                    var (t, _) = Ppl.Inference.Mcmc.MetropolisHastings<Unit, bool>.Step(from, Selection.At(site), rng);
                    return (t.Choices.Get<bool>("rain"), t.Choices.Get<bool>("sprinkler"));
                });
                // Single-site: pick the site uniformly (probability 1/2 each).
                foreach (var e in moves.Entries)
                    kernel[i, states.FindIndex(s => s.Rain == e.Value.Item1 && s.Spr == e.Value.Item2)] += 0.5 * Math.Exp(e.LogWeight);
            }
        }
        for (var i = 0; i < 4; i++)
        {
            double piK = 0;
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(states[i].Pi * kernel[i, j], states[j].Pi * kernel[j, i], 12);
                piK += states[j].Pi * kernel[j, i];
            }
            Assert.Equal(states[i].Pi, piK, 12);
        }
    }
}
