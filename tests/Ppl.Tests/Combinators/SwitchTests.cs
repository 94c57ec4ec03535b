using FsCheck.Xunit;
using Ppl.Distributions;
using Ppl.Enumeration;
using Xunit;
using static Ppl.Tests.Combinators.CombinatorModels;

namespace Ppl.Tests.Combinators;

public class SwitchTests
{
    private static readonly DynamicModel<double, double> Narrow = DynamicModel.Create<double, double>("narrow", (t, y) =>
    {
        var x = t.Sample("x", new Normal(0, 1));
        t.Observe("y", new Normal(x, 1), y);
        return x;
    });

    private static readonly DynamicModel<double, double> Bimodal = DynamicModel.Create<double, double>("bimodal", (t, y) =>
    {
        var k = t.Sample("k", new Bernoulli(0.5));
        var x = t.Sample("x", new Normal(k ? 2 : -2, 0.5));
        t.Observe("y", new Normal(x, 1), y);
        return x;
    });

    private static readonly Switch<double, double> Sw = new(Narrow, Bimodal);

    private static IGenerativeFunction<double, double> BranchOf(int b) => b == 0 ? Narrow : Bimodal;

    [Property(MaxTest = 40)]
    public void GenerateAssessProposeAndProjectObeyTheLaws(int seed, bool second)
    {
        var rng = new Rng(seed);
        var args = (second ? 1 : 0, Math.Round(rng.NextGaussian(), 3));
        var tr = Sw.Simulate(args, rng);
        var (t2, w) = Sw.Generate(args, tr.Choices, rng);
        AssertClose(t2.Score, w);
        AssertClose(tr.Score, t2.Score);
        AssertClose(tr.Score, Sw.Assess(args, tr.Choices).Weight);
        AssertClose(tr.Score, BranchOf(args.Item1).Assess(args.Item2, tr.Choices).Weight);
        AssertClose(tr.Score, Sw.Project(tr, Selection.All));
        AssertClose(new Normal(tr.Return, 1).LogDensity(args.Item2), Sw.Project(tr, Selection.None));
        Assert.True(tr.Choices.Contains("x"));   // the branch's choices sit at the root

        var (choices, pw, _) = Sw.Propose(args, rng);
        AssertClose(Sw.Assess(args, choices).Weight, pw);
    }

    [Property(MaxTest = 40)]
    public void SameBranchUpdateAndRegenerateDelegateToTheBranch(int seed, bool second)
    {
        var rng = new Rng(seed);
        var b = second ? 1 : 0;
        var tr = (SwitchTrace<double, double>)Sw.Simulate((b, 0.3), rng);
        var c = ChoiceMap.Empty.Set("x", 0.75);
        var (t2, w, d) = Sw.Update(tr, (b, -0.4), c, new Rng(seed + 1));
        var (i2, iw, id) = BranchOf(b).Update(tr.Inner, -0.4, c, new Rng(seed + 1));
        AssertClose(iw, w);
        Assert.True(ChoiceMap.Equivalent(i2.Choices, t2.Choices));
        Assert.True(ChoiceMap.Equivalent(id, d));
        AssertClose(Sw.Assess((b, -0.4), t2.Choices).Weight - Sw.Assess((b, 0.3), tr.Choices).Weight, w);

        var sel = Selection.At("x");
        var (r2, rw) = Sw.Regenerate(tr, (b, 0.3), sel, new Rng(seed + 2));
        var (ir2, irw) = BranchOf(b).Regenerate(tr.Inner, 0.3, sel, new Rng(seed + 2));
        AssertClose(irw, rw);
        Assert.True(ChoiceMap.Equivalent(ir2.Choices, r2.Choices));
    }

    [Property(MaxTest = 40)]
    public void ChangingTheBranchDiscardsTheOldChoicesAndGeneratesTheNewBranch(int seed)
    {
        var rng = new Rng(seed);
        var old = Sw.Simulate((0, 0.3), rng);
        var c = ChoiceMap.Empty.Set("x", 1.25);
        var (t2, w, d) = Sw.Update(old, (1, 0.3), c, rng);
        Assert.Equal(1.25, t2.Choices.Get<double>("x"));
        Assert.True(ChoiceMap.Equivalent(old.Choices, d));
        // score' − score − log q(fresh), the fresh choice being the coin k.
        var fresh = new Bernoulli(0.5).LogDensity(t2.Choices.Get<bool>("k"));
        AssertClose(Sw.Assess((1, 0.3), t2.Choices).Weight - old.Score - fresh, w);

        var (back, bw, bd) = Sw.Update(t2, (0, 0.3), old.Choices, rng);
        AssertClose(old.Score, back.Score);
        AssertClose(old.Score - t2.Score, bw);
        Assert.True(ChoiceMap.Equivalent(t2.Choices, bd));
    }

    [Property(MaxTest = 40)]
    public void RegenerateAcrossBranchesWeighsOnlyTheObservations(int seed)
    {
        var rng = new Rng(seed);
        var old = Sw.Simulate((1, -0.6), rng);
        var (t2, w) = Sw.Regenerate(old, (0, -0.6), Selection.None, rng);
        // Every choice of both traces is proposed from its prior, so only the observations remain.
        AssertClose(Narrow.Project(((SwitchTrace<double, double>)t2).Inner, Selection.None)
                    - Bimodal.Project(((SwitchTrace<double, double>)old).Inner, Selection.None), w);
        AssertClose(Narrow.Assess(-0.6, t2.Choices).Weight, t2.Score);
    }

    [Fact]
    public void AMixtureBuiltFromASwitchEnumeratesExactly()
    {
        var low = DynamicModel.Create<Unit, bool>("low", (t, _) => t.Sample("c", new Bernoulli(0.2)));
        var high = DynamicModel.Create<Unit, bool>("high", (t, _) => t.Sample("c", new Bernoulli(0.9)));
        var sw = new Switch<Unit, bool>("coin-kind", low, high);
        var mixture = DynamicModel.Create<bool>("mixture", t =>
        {
            var k = t.Sample("k", new Bernoulli(0.3));
            return t.Call("coin", sw, (k ? 1 : 0, Unit.Value));
        });
        var result = Enumerate.Model(mixture, Unit.Value, ChoiceMap.Empty.Set(Address.Parse("coin/c"), true));
        AssertClose(Math.Log(0.7 * 0.2 + 0.3 * 0.9), result.LogEvidence, 1e-12);
        AssertClose(0.27 / 0.41, result.Probability(e => e.Choices.Get<bool>("k")), 1e-12);

        // Flipping k through the outer model switches branches inside the call.
        var rng = new Rng(4);
        var (tr, _) = mixture.Generate(Unit.Value, ChoiceMap.Empty.Set("k", false).Set(Address.Parse("coin/c"), true), rng);
        var (t2, w, d) = mixture.Update(tr, Unit.Value, ChoiceMap.Empty.Set("k", true), rng);
        AssertClose(t2.Score - tr.Score - new Bernoulli(0.9).LogDensity(t2.Choices.Get<bool>(Address.Parse("coin/c"))), w);
        Assert.False(d.Get<bool>("k"));
        Assert.True(d.Get<bool>(Address.Parse("coin/c")));
    }
}
