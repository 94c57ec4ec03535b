using FsCheck.Xunit;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.Combinators.CombinatorModels;

namespace Ppl.Tests.Combinators;

public class UnfoldTests
{
    private static readonly DynamicModel<(int Steps, double Init, double Params), IReadOnlyList<double>> Loop = ChainLoop(Step);
    private static readonly DynamicModel<(int Steps, double Init, double Params), IReadOnlyList<double>> FixedLoop = ChainLoop(FixedStep);

    private static Unfold<double, double> Chain() => new(StepKernel(Step));

    private static Unfold<double, double> FixedChain() => new(StepKernel(FixedStep));

    private static UnfoldTrace<double, double> U(ITrace t) => (UnfoldTrace<double, double>)t;

    [Property(MaxTest = 40)]
    public void GenerateFullyConstrainedWeighsTheScoreWhichAssessAndTheLoopModelAgreeOn(int seed, byte len)
    {
        var chain = Chain();
        var rng = new Rng(seed);
        var args = (len % 15, 0.5, 0.8);
        var tr = chain.Simulate(args, rng);
        var (t2, w) = chain.Generate(args, tr.Choices, rng);
        AssertClose(t2.Score, w);
        AssertClose(tr.Score, t2.Score);
        Assert.Equal(tr.Return, t2.Return);
        AssertClose(tr.Score, chain.Assess(args, tr.Choices).Weight);
        AssertClose(tr.Score, Loop.Assess(args, tr.Choices).Weight);
        Assert.Equal(Loop.Assess(args, tr.Choices).Return, chain.Assess(args, tr.Choices).Return);
        AssertClose(tr.Score, chain.Project(tr, Selection.All));
        AssertClose(Loop.Project(Loop.Generate(args, tr.Choices, rng).Trace, Selection.None), chain.Project(tr, Selection.None));
    }

    [Property(MaxTest = 40)]
    public void ProposeWeightIsAssessOfItsChoices(int seed, byte len)
    {
        var chain = Chain();
        var args = (len % 15, -1.0, 0.9);
        var (choices, w, ret) = chain.Propose(args, new Rng(seed));
        var (aw, aret) = chain.Assess(args, choices);
        AssertClose(aw, w);
        Assert.Equal(ret, aret);
    }

    [Property(MaxTest = 40)]
    public void SimulateDrawsLikeTheLoopModel(int seed, byte len)
    {
        var args = (len % 15, 0.2, 0.7);
        var a = Chain().Simulate(args, new Rng(seed));
        var b = Loop.Simulate(args, new Rng(seed));
        Assert.True(ChoiceMap.Equivalent(b.Choices, a.Choices));
        AssertClose(b.Score, a.Score);
        Assert.Equal(b.Return, a.Return);
    }

    [Property(MaxTest = 80)]
    public void UpdateMatchesTheLoopModel(int seed, byte len, byte newLen, byte what)
    {
        var chain = Chain();
        var rng = new Rng(seed);
        var n = len % 10;
        var old = chain.Simulate((n, 0.5, 0.8), rng);
        var m = what % 3 == 0 ? n : newLen % 12;
        var init = what % 5 == 1 ? 0.5 : -0.3;
        var a = what % 7 == 2 ? 0.8 : 0.6;
        var constraints = ChoiceMap.Empty;
        for (var t = 0; t < m; t++)
        {
            var u = rng.NextDouble();
            if (u < 0.15) constraints = constraints.Set((Address)t / "x", 0.1 * t);
            else if (u < 0.25) constraints = constraints.Set((Address)t / "f", rng.NextDouble() < 0.5);
        }
        var (t2, w, d) = chain.Update(old, (m, init, a), constraints, new Rng(seed + 9));
        var loopOld = Loop.Generate((n, 0.5, 0.8), old.Choices, rng).Trace;
        var (l2, lw, ld) = Loop.Update(loopOld, (m, init, a), constraints, new Rng(seed + 9));
        AssertClose(lw, w);
        AssertClose(l2.Score, t2.Score);
        Assert.True(ChoiceMap.Equivalent(l2.Choices, t2.Choices), $"unfold:\n{t2.Choices}\nloop:\n{l2.Choices}");
        Assert.True(ChoiceMap.Equivalent(ld, d), $"unfold discard:\n{d}\nloop discard:\n{ld}");
        Assert.Equal(l2.Return, t2.Return);
        AssertClose(Loop.Assess((m, init, a), t2.Choices).Weight, t2.Score);
    }

    [Property(MaxTest = 60)]
    public void UpdateWeightIsTheScoreDifferenceForAFixedStructure(int seed, byte len, byte newLen)
    {
        var chain = FixedChain();
        var rng = new Rng(seed);
        var n = len % 10;
        var m = newLen % 12;
        var old = chain.Simulate((n, 0.0, 0.9), rng);
        var constraints = ChoiceMap.Empty;
        var expectedDiscard = ChoiceMap.Empty;
        for (var t = 0; t < Math.Min(n, m); t++)
            if (rng.NextDouble() < 0.3)
            {
                constraints = constraints.Set((Address)t / "x", 0.2 * t);
                expectedDiscard = expectedDiscard.Set((Address)t / "x", old.Choices[(Address)t / "x"]);
            }
        for (var t = m; t < n; t++) expectedDiscard = expectedDiscard.SetSubmap(t, old.Choices.GetSubmap(t));
        var (t2, w, d) = chain.Update(old, (m, 0.0, 0.7), constraints, rng);
        double fresh = 0;
        for (var t = n; t < m; t++) fresh += ChoicesOnly(U(t2).SubTraces[t]);
        var expected = FixedLoop.Assess((m, 0.0, 0.7), t2.Choices).Weight - FixedLoop.Assess((n, 0.0, 0.9), old.Choices).Weight - fresh;
        AssertClose(expected, w);
        Assert.True(ChoiceMap.Equivalent(expectedDiscard, d));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(1000)]
    public void AppendingOneStepRunsTheKernelOnceAndWeighsTheNewStep(int length)
    {
        var chain = Chain();
        var rng = new Rng(42);
        var old = U(chain.Simulate((length, 0.5, 0.8), rng));
        var before = chain.KernelVisits;
        var c = ChoiceMap.Empty.Set((Address)length / "x", 0.3).Set((Address)length / "f", false);
        var (t2, w, d) = chain.Update(old, (length + 1, 0.5, 0.8), c, rng);
        Assert.Equal(1, chain.KernelVisits - before);
        Assert.True(d.IsEmpty);
        var prev = old.States[length - 1];
        var expected = Math.Log(0.7) + new Normal(0.8 * prev, 1).LogDensity(0.3) + new Normal(0.3, 0.5).LogDensity(Obs(length));
        AssertClose(expected, w);
        AssertClose(old.Score + expected, t2.Score);
        var nt = U(t2);
        for (var t = 0; t < length; t++) Assert.Same(old.SubTraces[t], nt.SubTraces[t]);
        Assert.Equal(0.3, nt.States[length]);
    }

    [Fact]
    public void WorkPerAppendedStepDoesNotGrowWithLength()
    {
        long VisitsToAppend(int length)
        {
            var chain = Chain();
            var rng = new Rng(7);
            var tr = chain.Simulate((length, 0.0, 0.9), rng);
            var before = chain.KernelVisits;
            for (var k = 0; k < 5; k++)
                tr = chain.Update(tr, (length + k + 1, 0.0, 0.9), ChoiceMap.Empty.Set((Address)(length + k) / "x", 0.1), rng).Trace;
            return chain.KernelVisits - before;
        }
        Assert.Equal(5, VisitsToAppend(10));
        Assert.Equal(VisitsToAppend(10), VisitsToAppend(1000));
    }

    [Fact]
    public void ConstrainingAnOldStepRerunsOnlyFromThere()
    {
        var chain = FixedChain();
        var rng = new Rng(1);
        var old = U(chain.Simulate((100, 0.0, 0.9), rng));
        var before = chain.KernelVisits;
        var t2 = U(chain.Update(old, (100, 0.0, 0.9), ChoiceMap.Empty.Set((Address)60 / "x", 2.0), rng).Trace);
        // Step 60 takes the new value and step 61 sees a new input state; step 61 keeps its own x, so its
        // output, and hence every later step's input, is unchanged and the walk stops.
        Assert.Equal(2, chain.KernelVisits - before);
        for (var t = 62; t < 100; t++) Assert.Same(old.SubTraces[t], t2.SubTraces[t]);
        for (var t = 0; t < 60; t++) Assert.Same(old.SubTraces[t], t2.SubTraces[t]);
    }

    [Property(MaxTest = 60)]
    public void RegenerateMatchesTheLoopModel(int seed, byte len, byte what)
    {
        var chain = Chain();
        var rng = new Rng(seed);
        var n = len % 10;
        var old = chain.Simulate((n, 0.5, 0.8), rng);
        var m = what % 3 == 0 ? n : (what / 3) % 12;
        var a = what % 4 == 0 ? 0.6 : 0.8;
        var picked = new List<Address>();
        for (var t = 0; t < n; t++)
            if (rng.NextDouble() < 0.3) picked.Add(rng.NextDouble() < 0.5 ? (Address)t / "x" : (Address)t / "f");
        var selection = Selection.At(picked.ToArray());
        var (t2, w) = chain.Regenerate(old, (m, 0.5, a), selection, new Rng(seed + 3));
        var loopOld = Loop.Generate((n, 0.5, 0.8), old.Choices, rng).Trace;
        var (l2, lw) = Loop.Regenerate(loopOld, (m, 0.5, a), selection, new Rng(seed + 3));
        AssertClose(lw, w);
        AssertClose(l2.Score, t2.Score);
        Assert.True(ChoiceMap.Equivalent(l2.Choices, t2.Choices));
    }

    [Property(MaxTest = 60)]
    public void RegenerateWeightIsTheMetropolisHastingsRatioForAFixedStructure(int seed, byte len)
    {
        var chain = FixedChain();
        var rng = new Rng(seed);
        var n = 1 + len % 10;
        var old = chain.Simulate((n, 0.0, 0.9), rng);
        var picked = Enumerable.Range(0, n).Where(_ => rng.NextDouble() < 0.4).Select(t => (Address)t / "x").ToArray();
        var selection = Selection.At(picked);
        var (t2, w) = chain.Regenerate(old, (n, 0.0, 0.9), selection, rng);
        var before = FixedLoop.Project(FixedLoop.Generate((n, 0.0, 0.9), old.Choices, rng).Trace, selection.Complement());
        var after = FixedLoop.Project(FixedLoop.Generate((n, 0.0, 0.9), t2.Choices, rng).Trace, selection.Complement());
        AssertClose(after - before, w);
    }

    private static double CarryStep(ITracer t, Address p, int step, double s, double a)
    {
        var x = t.Sample(p / "x", new Normal(a * s, 1));
        t.Observe(p / "y", new Normal(x, 0.5), Obs(step));
        return x + 0.5 * s;   // the state carries past values, so a choice reaches every later step
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ChoiceGradientsAgreeWithTheWholeLoopModel(bool carry)
    {
        Func<ITracer, Address, int, double, double, double> body = carry ? CarryStep : FixedStep;
        var chain = new Unfold<double, double>(StepKernel(body));
        var loop = ChainLoop(body);
        var rng = new Rng(2);
        var args = (5, 0.4, 0.9);
        var tr = chain.Simulate(args, rng);
        var sel = Selection.Prefix(1, 2, 4);
        var g = chain.ChoiceGradients(tr, sel);
        var expected = loop.ChoiceGradients(loop.Generate(args, tr.Choices, rng).Trace, sel);
        Assert.Equal(3, g.Count);
        foreach (var (a, v) in expected.Leaves) AssertClose((double)v, g.Get<double>(a), 1e-6);

        // The hand-derived value for step 1 of the non-carrying chain: its own density, the observation,
        // and step 2's transition density, which depends on x1 through the state.
        if (!carry)
        {
            var (x0, x1, x2) = (tr.Return[0], tr.Return[1], tr.Return[2]);
            AssertClose(-(x1 - 0.9 * x0) + (Obs(1) - x1) / 0.25 + 0.9 * (x2 - 0.9 * x1), g.Get<double>((Address)1 / "x"), 1e-6);
        }
    }
}

public class NestedCombinatorTests
{
    [Fact]
    public void ChangingParametersRerunsEveryStep()
    {
        var chain = new Unfold<double, double>(StepKernel(FixedStep));
        var rng = new Rng(6);
        var tr = chain.Simulate((30, 0.0, 0.9), rng);
        var before = chain.KernelVisits;
        var (t2, w, _) = chain.Update(tr, (30, 0.0, 0.5), ChoiceMap.Empty, rng);
        Assert.Equal(30, chain.KernelVisits - before);
        var loop = ChainLoop(FixedStep);
        AssertClose(loop.Assess((30, 0.0, 0.5), t2.Choices).Weight - loop.Assess((30, 0.0, 0.9), tr.Choices).Weight, w);
    }

    [Fact]
    public void APlateOfChainsPrefixesAddressesAndErrorsAtBothLevels()
    {
        var plate = new Map<(int Steps, double Init, double Params), IReadOnlyList<double>>(new Unfold<double, double>(StepKernel(FixedStep)), "plate-of-chains");
        (int, double, double)[] items = [(3, 0.0, 0.9), (5, 1.0, 0.5)];
        var c = ChoiceMap.Empty.Set(Address.Parse("1/4/x"), 0.7);
        var (tr, w) = plate.Generate(items, c, new Rng(2));
        Assert.Equal(0.7, tr.Return[1][4]);
        AssertClose(plate.Assess(items, tr.Choices).Weight, tr.Score);
        Assert.Equal(8, tr.Choices.Count);
        var e = Assert.Throws<UnvisitedConstraintsException>(() =>
            plate.Generate(items, ChoiceMap.Empty.Set(Address.Parse("1/7/x"), 0.0), new Rng(2)));
        Assert.Equal(Address.Parse("1/7/x"), Assert.Single(e.Unvisited));
        Assert.Contains("'1/4/x'", e.Message);
    }
}
