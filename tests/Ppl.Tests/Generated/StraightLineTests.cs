using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Modeling;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// The straight-line forms of assess and regenerate (models of static double sites written as top-level
/// statements): they must agree exactly with the dynamic tracer on every operation, be taken where they apply (a
/// counter shows it, so that the equivalence tests are not passing on the handler body alone), stand aside where
/// they do not, and leave errors to the handler body with the random stream put back.
/// </summary>
public class StraightLineTests
{
    private static double[] Data(int seed, int n)
    {
        var r = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextGaussian() * 2).ToArray();
    }

    private static int Runs => StraightLineCounter.Runs;

    [Property(MaxTest = 40)]
    public Property Schools(int seed) =>
        Equivalence.Check(StraightLineModels.SchoolsModel, StraightLineTwins.Schools, Data(seed, 3), Data(seed + 1, 3), seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property DiscreteChoicesAndObservations(int seed, bool john) =>
        Equivalence.Check(StraightLineModels.AlarmModel, StraightLineTwins.Alarm, john, !john, seed).ToProperty();

    [Fact]
    public void DiscreteModelsTakeTheStraightLineFormsAndMatchTheDynamicChain()
    {
        var before = Runs;
        Equivalence.SameChain(StraightLineModels.AlarmModel, StraightLineTwins.Alarm, true, new[] { "burglary", "earthquake", "alarm", "calls" }, 200, seed: 21);
        Assert.Equal(before + 201, Runs); // its simulate and 200 regenerates
        var alarm = StraightLineModels.AlarmModel.Simulate(false, new Rng(22));
        Assert.Equal(StraightLineTwins.Alarm.Assess(false, alarm.Choices).Weight, StraightLineModels.AlarmModel.Assess(false, alarm.Choices).Weight, 1e-10);
        Assert.Equal(before + 203, Runs); // its simulate and assess
        // The mixed int/bool/double model of the equivalence suite is straight-line too.
        var types = GenModels.TypesModel.Simulate(Unit.Value, new Rng(3));
        GenModels.TypesModel.Assess(Unit.Value, types.Choices);
        Assert.Equal(before + 205, Runs);
    }

    [Property(MaxTest = 20)]
    public Property NotStraightLine(int seed) =>
        Equivalence.Check(StraightLineModels.BranchyModel, StraightLineTwins.Branchy, 0.0, 1.0, seed).ToProperty();

    [Fact]
    public void AssessRegenerateAndSimulateTakeTheStraightLineFormsWhereTheyApply()
    {
        var ys = Data(1, 3);
        var t = StraightLineModels.SchoolsModel.Simulate(ys, new Rng(2));
        var before = Runs;
        StraightLineModels.SchoolsModel.Assess(ys, t.Choices);
        StraightLineModels.SchoolsModel.Regenerate(t, ys, Selection.At("tau"), new Rng(3));
        StraightLineModels.SchoolsModel.Generate(ys, ChoiceMap.Empty, new Rng(4));
        Assert.Equal(before + 3, Runs);
        // A choice map that is not the model's own trace, generate with constraints, and update take the handler body.
        StraightLineModels.SchoolsModel.Assess(ys, StraightLineTwins.Schools.Simulate(ys, new Rng(2)).Choices);
        StraightLineModels.SchoolsModel.Generate(ys, ChoiceMap.Empty.Set("mu", 1.0), new Rng(5));
        StraightLineModels.SchoolsModel.Update(t, ys, ChoiceMap.Empty, new Rng(4));
        Assert.Equal(before + 3, Runs);
        // A site under an if: no straight-line form.
        var b = StraightLineModels.BranchyModel.Simulate(0.0, new Rng(5));
        StraightLineModels.BranchyModel.Assess(0.0, b.Choices);
        StraightLineModels.BranchyModel.Regenerate(b, 0.0, Selection.At("a"), new Rng(6));
        Assert.Equal(before + 3, Runs);
    }

    [Fact]
    public void AnErrorAfterADrawLeavesTheStreamAsTheDynamicTracerDoes()
    {
        // Regenerating x until a draw exceeds the limit: the straight-line code throws after drawing, the handler body
        // runs again from the same stream position and must throw with the same x, as the dynamic tracer does.
        var gen = StraightLineModels.ThrowsModel;
        var dyn = StraightLineTwins.Throws;
        var tg = gen.Generate(0.5, ChoiceMap.Empty.Set("x", 0.0), new Rng(1)).Trace;
        var td = dyn.Generate(0.5, ChoiceMap.Empty.Set("x", 0.0), new Rng(1)).Trace;
        var rg = new Rng(9);
        var rd = new Rng(9);
        var thrown = 0;
        for (var i = 0; i < 20; i++)
        {
            // The model's own exception arrives wrapped once, with the operation and the last address, by both forms.
            ModelCodeException? eg = null, ed = null;
            try { gen.Regenerate(tg, 0.5, Selection.At("x"), rg); } catch (ModelCodeException e) { eg = e; }
            try { dyn.Regenerate(td, 0.5, Selection.At("x"), rd); } catch (ModelCodeException e) { ed = e; }
            Assert.Equal(ed?.InnerException?.Message, eg?.InnerException?.Message);
            if (eg is not null)
            {
                Assert.IsType<ArgumentOutOfRangeException>(eg.InnerException);
                Assert.Equal(new Address("x"), eg.Address);
                Assert.Equal("Regenerate", eg.Operation);
            }
            if (eg is not null) thrown++;
            Assert.Equal(rd.NextUInt64(), rg.NextUInt64()); // the streams stay in step
        }
        Assert.True(thrown >= 3, $"only {thrown} of 20 draws exceeded the limit");
        // Simulate (and generate without constraints) the same way: an error after the first draw, the same message.
        var simulated = 0;
        for (var seed = 0; seed < 30; seed++)
        {
            var sg = new Rng(seed);
            var sd = new Rng(seed);
            var eg = Record.Exception(() => gen.Simulate(0.5, sg));
            var ed = Record.Exception(() => dyn.Simulate(0.5, sd));
            Assert.Equal(ed?.InnerException?.Message, eg?.InnerException?.Message);
            Assert.Equal(sd.NextUInt64(), sg.NextUInt64());
            if (eg is not null) simulated++;
            var wg = Record.Exception(() => gen.Generate(0.5, ChoiceMap.Empty, new Rng(seed)));
            Assert.Equal(ed?.InnerException?.Message, wg?.InnerException?.Message);
        }
        Assert.True(simulated >= 3, $"only {simulated} of 30 simulations threw");
    }

    [Fact]
    public void StraightLineAssessAllocatesNothing()
    {
        // (Schools would allocate its own lambda's closure on every run, as user code does.)
        var gen = StraightLineModels.PlainModel;
        var ys = new[] { 0.3 };
        var choices = gen.Simulate(ys, new Rng(4)).Choices;
        for (var i = 0; i < 100; i++) gen.Assess(ys, choices);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var runs = Runs;
        for (var i = 0; i < 1000; i++) gen.Assess(ys, choices);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(runs + 1000, Runs);
    }

    [Fact]
    public void MetropolisHastingsChainMatchesTheDynamicTracer()
    {
        var before = Runs;
        Equivalence.SameChain(StraightLineModels.SchoolsModel, StraightLineTwins.Schools, Data(5, 3), new[] { "mu", "tau", "theta0", "theta1", "theta2", "free" }, 300);
        Assert.Equal(before + 301, Runs); // its simulate and 300 regenerates
    }

    [Fact]
    public void ANaNObservationRaisesTheDynamicTracersError()
    {
        // A NaN observed value (an error, though a density gives it −∞) met by the straight-line code, which hands the
        // run to the handler body to raise the error with its address; an infinite one is no error in either.
        var ys = Data(7, 3);
        var g = StraightLineModels.SchoolsModel.Simulate(ys, new Rng(1));
        var d = StraightLineTwins.Schools.Simulate(ys, new Rng(1));
        var nan = new[] { ys[0], double.NaN, ys[2] };
        var infinite = new[] { double.PositiveInfinity, ys[1], ys[2] };
        foreach (var bad in new[] { nan, infinite })
        {
            var ea = Record.Exception(() => StraightLineModels.SchoolsModel.Assess(bad, g.Choices));
            var da = Record.Exception(() => StraightLineTwins.Schools.Assess(bad, d.Choices));
            var er = Record.Exception(() => StraightLineModels.SchoolsModel.Regenerate(g, bad, Selection.At("theta1"), new Rng(2)));
            var dr = Record.Exception(() => StraightLineTwins.Schools.Regenerate(d, bad, Selection.At("theta1"), new Rng(2)));
            Assert.Equal(da?.GetType(), ea?.GetType());
            Assert.Equal(da?.Message, ea?.Message);
            Assert.Equal(dr?.GetType(), er?.GetType());
            Assert.Equal(dr?.Message, er?.Message);
        }
        Assert.Contains("y1", Record.Exception(() => StraightLineModels.SchoolsModel.Assess(nan, g.Choices))!.Message);
        // (Invalid parameters met by the straight-line code: FastPathTests, whose Scales model is straight-line.)
    }
}
