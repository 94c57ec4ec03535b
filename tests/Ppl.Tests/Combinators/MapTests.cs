using FsCheck.Xunit;
using Ppl.Distributions;
using Ppl.Enumeration;
using Xunit;
using static Ppl.Tests.Combinators.CombinatorModels;

namespace Ppl.Tests.Combinators;

public class MapTests
{
    private static readonly Map<double, double> BMap = new(BranchingKernel);
    private static readonly Map<double, double> FMap = new(FixedKernel);
    private static readonly DynamicModel<IReadOnlyList<double>, IReadOnlyList<double>> BLoop = Loop(BranchingItem);
    private static readonly DynamicModel<IReadOnlyList<double>, IReadOnlyList<double>> FLoop = Loop(FixedItem);

    private static MapTrace<double, double> M(ITrace t) => (MapTrace<double, double>)t;

    [Property(MaxTest = 40)]
    public void GenerateFullyConstrainedWeighsTheScoreWhichAssessAndTheLoopModelAgreeOn(int seed, byte len)
    {
        var rng = new Rng(seed);
        var ys = Items(rng, len % 12);
        var tr = BMap.Simulate(ys, rng);
        var (t2, w) = BMap.Generate(ys, tr.Choices, rng);
        AssertClose(t2.Score, w);
        AssertClose(tr.Score, t2.Score);
        Assert.True(ChoiceMap.Equivalent(tr.Choices, t2.Choices));
        Assert.Equal(tr.Return, t2.Return);
        AssertClose(tr.Score, BMap.Assess(ys, tr.Choices).Weight);
        AssertClose(tr.Score, BLoop.Assess(ys, tr.Choices).Weight);
        AssertClose(tr.Score, BMap.Project(tr, Selection.All));
        var loopTrace = BLoop.Generate(ys, tr.Choices, rng).Trace;
        AssertClose(BLoop.Project(loopTrace, Selection.None), BMap.Project(tr, Selection.None));
    }

    [Property(MaxTest = 40)]
    public void ProposeWeightIsAssessOfItsChoices(int seed, byte len)
    {
        var rng = new Rng(seed);
        var ys = Items(rng, len % 12);
        var (choices, w, ret) = BMap.Propose(ys, rng);
        var (aw, aret) = BMap.Assess(ys, choices);
        AssertClose(aw, w);
        Assert.Equal(ret, aret);
    }

    [Property(MaxTest = 40)]
    public void SimulateAndPartialGenerateDrawLikeTheLoopModel(int seed, byte len)
    {
        var ys = Items(new Rng(seed), len % 10);
        var a = BMap.Simulate(ys, new Rng(seed + 1));
        var b = BLoop.Simulate(ys, new Rng(seed + 1));
        Assert.True(ChoiceMap.Equivalent(b.Choices, a.Choices));
        AssertClose(b.Score, a.Score);

        var constraints = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i += 2) constraints = constraints.Set((Address)i / "b", true);
        var (ga, wa) = BMap.Generate(ys, constraints, new Rng(seed + 2));
        var (gb, wb) = BLoop.Generate(ys, constraints, new Rng(seed + 2));
        AssertClose(wb, wa);
        Assert.True(ChoiceMap.Equivalent(gb.Choices, ga.Choices));
    }

    [Property(MaxTest = 60)]
    public void UpdateMatchesTheLoopModelAndTheWeightIdentity(int seed, byte len, byte newLen)
    {
        var rng = new Rng(seed);
        var n = len % 8;
        var m = newLen % 10;
        var ys = Items(rng, n);
        var old = M(BMap.Simulate(ys, rng));

        var ys2 = Items(rng, m);
        for (var i = 0; i < Math.Min(n, m); i++)
            if (rng.NextDouble() < 0.6) ys2[i] = ys[i];
        var constraints = ChoiceMap.Empty;
        var expectedDiscard = ChoiceMap.Empty;
        for (var i = 0; i < Math.Min(n, m); i++)
        {
            if (rng.NextDouble() >= 0.4) continue;
            Address latent = old.Choices.Contains((Address)i / "x") ? (Address)i / "x" : (Address)i / "z";
            constraints = constraints.Set(latent, 0.25 * i - 0.5);
            expectedDiscard = expectedDiscard.Set(latent, old.Choices[latent]);
        }
        for (var i = m; i < n; i++) expectedDiscard = expectedDiscard.SetSubmap(i, old.Choices.GetSubmap(i));

        var (t2, w, discard) = BMap.Update(old, ys2, constraints, new Rng(seed + 7));
        var loopOld = BLoop.Generate(ys, old.Choices, rng).Trace;
        var (l2, lw, ldiscard) = BLoop.Update(loopOld, ys2, constraints, new Rng(seed + 7));

        AssertClose(lw, w);
        AssertClose(l2.Score, t2.Score);
        Assert.True(ChoiceMap.Equivalent(l2.Choices, t2.Choices));
        Assert.True(ChoiceMap.Equivalent(ldiscard, discard));
        Assert.True(ChoiceMap.Equivalent(expectedDiscard, discard), $"discard:\n{discard}\nexpected:\n{expectedDiscard}");
        Assert.Equal(l2.Return, t2.Return);

        // score' − score − log q(fresh): the only fresh choices are those of the appended items.
        var nt = M(t2);
        double fresh = 0;
        for (var i = n; i < m; i++) fresh += ChoicesOnly(nt.SubTraces[i]);
        var expected = BMap.Assess(ys2, t2.Choices).Weight - BMap.Assess(ys, old.Choices).Weight - fresh;
        AssertClose(expected, w);
        AssertClose(BLoop.Assess(ys2, t2.Choices).Weight, t2.Score);
    }

    [Property(MaxTest = 60)]
    public void ExtendIsUpdateWithOneMoreItemAndItsConstraints(int seed, byte len)
    {
        var rng = new Rng(seed);
        var n = len % 8;
        var ys = Items(rng, n);
        var old = M(BMap.Simulate(ys, rng));
        var item = Math.Round(rng.NextGaussian(), 3);
        var constraints = rng.NextDouble() < 0.5 ? ChoiceMap.Empty : ChoiceMap.Empty.Set("b", rng.NextDouble() < 0.5);

        var (t1, w1, d1) = BMap.Extend(old, item, constraints, new Rng(seed + 3));
        var (t2, w2, d2) = BMap.Update(old, ys.Append(item).ToArray(), ChoiceMap.Empty.SetSubmap(n, constraints), new Rng(seed + 3));

        Assert.Equal(w2, w1);
        Assert.Equal(t2.Score, t1.Score);
        Assert.True(ChoiceMap.Equivalent(t2.Choices, t1.Choices));
        Assert.Equal(t2.Return, t1.Return);
        Assert.Equal(t2.Args, t1.Args);
        Assert.True(d1.IsEmpty && d2.IsEmpty);
        // The weight is the new item's alone: its observations and constrained choices.
        var sub = M(t1).SubTraces[n];
        AssertClose(BranchingKernel.Project(sub, constraints.IsEmpty ? Selection.None : Selection.At("b")), w1);
        for (var i = 0; i < n; i++) Assert.Same(old.SubTraces[i], M(t1).SubTraces[i]);
    }

    [Fact]
    public void ExtendingFromTheEmptyPlateOneItemAtATimeIsGenerate()
    {
        var ys = Items(new Rng(4), 9);
        var constraints = ChoiceMap.Empty;
        for (var i = 0; i < ys.Length; i += 3) constraints = constraints.Set((Address)i / "b", i % 2 == 0);
        var (full, fullWeight) = BMap.Generate(ys, constraints, new Rng(21));

        var rng = new Rng(21);
        var tr = BMap.Generate(Array.Empty<double>(), ChoiceMap.Empty, rng).Trace;
        double weight = 0;
        for (var i = 0; i < ys.Length; i++)
        {
            var (next, w, _) = BMap.Extend(tr, ys[i], constraints.GetSubmap(i), rng);
            tr = next;
            weight += w;
        }
        AssertClose(fullWeight, weight);
        AssertClose(full.Score, tr.Score);
        Assert.True(ChoiceMap.Equivalent(full.Choices, tr.Choices));
        Assert.Equal(ys, tr.Args);
        // An extended trace updates like any other: constraining an old item runs the kernel on it.
        var (_, uw, discard) = BMap.Update(tr, tr.Args, ChoiceMap.Empty.Set((Address)4 / "b", true), rng);
        Assert.False(double.IsNaN(uw));
        Assert.True(discard.Contains((Address)4 / "b"));
    }

    [Fact]
    public void ExtendNamesABadConstraintByTheNewItemsIndexAndRejectsAForeignTrace()
    {
        var tr = BMap.Simulate(Items(new Rng(2), 3), new Rng(3));
        var e = Assert.Throws<UnvisitedConstraintsException>(() => BMap.Extend(tr, 0.5, ChoiceMap.Empty.Set("q", 1.0), new Rng(1)));
        Assert.Contains((Address)3 / "q", e.Unvisited);
        Assert.Throws<ArgumentException>(() => FMap.Extend(tr, 0.5, ChoiceMap.Empty, new Rng(1)));
    }

    [Fact]
    public void UpdateLeavesUntouchedItemsSubTracesAsTheyWere()
    {
        var rng = new Rng(3);
        var ys = Items(rng, 50);
        var old = M(BMap.Simulate(ys, rng));
        var ys2 = (double[])ys.Clone();
        ys2[17] += 1;
        var constraints = ChoiceMap.Empty.Set((Address)30 / "b", true);
        var t2 = M(BMap.Update(old, ys2, constraints, rng).Trace);
        for (var i = 0; i < 50; i++)
        {
            if (i is 17 or 30) Assert.NotSame(old.SubTraces[i], t2.SubTraces[i]);
            else Assert.Same(old.SubTraces[i], t2.SubTraces[i]);
        }
    }

    [Property(MaxTest = 60)]
    public void RegenerateMatchesTheLoopModel(int seed, byte len, byte newLen)
    {
        var rng = new Rng(seed);
        var n = len % 8;
        var m = rng.NextDouble() < 0.5 ? n : newLen % 10;
        var ys = Items(rng, n);
        var old = BMap.Simulate(ys, rng);
        var ys2 = Items(rng, m);
        for (var i = 0; i < Math.Min(n, m); i++)
            if (rng.NextDouble() < 0.6) ys2[i] = ys[i];
        var picked = new List<Address>();
        for (var i = 0; i < n; i++)
            if (rng.NextDouble() < 0.4) picked.Add(rng.NextDouble() < 0.5 ? i : (Address)i / "b");
        var selection = rng.NextDouble() < 0.5 ? Selection.Prefix(picked.ToArray()) : Selection.At(picked.ToArray());

        var (t2, w) = BMap.Regenerate(old, ys2, selection, new Rng(seed + 5));
        var loopOld = BLoop.Generate(ys, old.Choices, rng).Trace;
        var (l2, lw) = BLoop.Regenerate(loopOld, ys2, selection, new Rng(seed + 5));
        AssertClose(lw, w);
        AssertClose(l2.Score, t2.Score);
        Assert.True(ChoiceMap.Equivalent(l2.Choices, t2.Choices));
    }

    [Property(MaxTest = 60)]
    public void RegenerateWeightIsTheMetropolisHastingsRatioForAFixedStructure(int seed, byte len)
    {
        var rng = new Rng(seed);
        var n = 1 + len % 8;
        var ys = Items(rng, n);
        var old = FMap.Simulate(ys, rng);
        var ys2 = (double[])ys.Clone();
        if (rng.NextDouble() < 0.5) ys2[rng.Next(n)] += 0.5;
        var picked = Enumerable.Range(0, n).Where(_ => rng.NextDouble() < 0.5).Select(i => (Address)i / "x").ToArray();
        var selection = Selection.At(picked);
        var (t2, w) = FMap.Regenerate(old, ys2, selection, rng);

        // Selected choices are proposed from their prior, so they cancel; what remains is the change in
        // everything else: unselected latents and all observations.
        var before = FLoop.Project(FLoop.Generate(ys, old.Choices, rng).Trace, selection.Complement());
        var after = FLoop.Project(FLoop.Generate(ys2, t2.Choices, rng).Trace, selection.Complement());
        AssertClose(after - before, w);
        foreach (var (a, v) in old.Choices.Leaves)
            if (!selection.Contains(a)) Assert.Equal(v, t2.Choices[a]);
    }

    [Fact]
    public void ProjectOnASelectionSumsTheSelectedItems()
    {
        var rng = new Rng(11);
        var ys = Items(rng, 6);
        var tr = FMap.Simulate(ys, rng);
        var sel = Selection.Prefix(1, 4);
        var loopTrace = FLoop.Generate(ys, tr.Choices, rng).Trace;
        AssertClose(FLoop.Project(loopTrace, sel), FMap.Project(tr, sel));
        AssertClose(tr.Score, FMap.Project(tr, Selection.All));
    }

    [Fact]
    public void ChoiceGradientsArePrefixedByItem()
    {
        var rng = new Rng(5);
        var ys = Items(rng, 3);
        var tr = FMap.Simulate(ys, rng);
        var g = FMap.ChoiceGradients(tr, Selection.Prefix(0, 2));
        Assert.Equal(2, g.Count);
        foreach (var i in new[] { 0, 2 })
        {
            var x = tr.Choices.Get<double>((Address)i / "x");
            // d/dx [log N(x; 0, 1) + log N(y; x, 0.7)] = −x + (y − x) / 0.49
            AssertClose(-x + (ys[i] - x) / 0.49, g.Get<double>((Address)i / "x"), 1e-6);
        }
    }

    [Fact]
    public void EnumerationOverAPlateOfCoinsGivesTheExactEvidence()
    {
        var kernel = DynamicModel.Create<double, bool>("coin", (t, p) =>
        {
            var c = t.Sample("c", new Bernoulli(p));
            t.Observe("o", new Bernoulli(c ? 0.9 : 0.2), true);
            return c;
        });
        var map = new Map<double, bool>(kernel);
        double[] ps = [0.3, 0.6, 0.5];
        var result = Enumerate.Model(map, ps);
        Assert.Equal(8, result.Entries.Count);
        var evidence = ps.Aggregate(1.0, (acc, p) => acc * (p * 0.9 + (1 - p) * 0.2));
        AssertClose(Math.Log(evidence), result.LogEvidence, 1e-12);
        // Posterior of item 1's coin: 0.6·0.9 / (0.6·0.9 + 0.4·0.2).
        AssertClose(0.54 / 0.62, result.Probability(e => e.Value[1]), 1e-12);

        var constrained = Enumerate.Model(map, ps, ChoiceMap.Empty.Set((Address)1 / "c", true));
        Assert.Equal(4, constrained.Entries.Count);
        AssertClose(Math.Log(evidence / 0.62 * 0.54), constrained.LogEvidence, 1e-12);
    }

    [Fact]
    public void AMapCalledFromADynamicModelUpdatesThroughIt()
    {
        var outer = DynamicModel.Create<IReadOnlyList<double>, double>("outer", (t, ys) =>
        {
            var xs = t.Call("items", FMap, ys);
            return xs.Sum();
        });
        var rng = new Rng(8);
        var ys = Items(rng, 4);
        var tr = outer.Simulate(ys, rng);
        var c = ChoiceMap.Empty.Set(Address.Parse("items/2/x"), 1.5);
        var (t2, w, d) = outer.Update(tr, ys, c, rng);
        var expected = t2.Score - tr.Score;
        AssertClose(expected, w);
        Assert.Equal(tr.Choices[Address.Parse("items/2/x")], d[Address.Parse("items/2/x")]);
        AssertClose(FLoop.Assess(ys, t2.Choices.GetSubmap("items")).Weight, t2.Score);
    }
}
