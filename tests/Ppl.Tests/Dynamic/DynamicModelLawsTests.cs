using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.TestModels;

namespace Ppl.Tests.Dynamic;

/// <summary>The weight identities of the generative function interface, for dynamic models.</summary>
public class DynamicModelLawsTests
{
    private const double Tol = 1e-9;

    /// <summary>The score of Fixed(n) computed by hand, independently of the tracer.</summary>
    private static double FixedScore(ChoiceMap c, int n)
    {
        var mu = c.Get<double>("mu");
        var s = NormalLogDensity(mu, 0, 1);
        for (var i = 0; i < n; i++) s += NormalLogDensity(c.Get<double>(new Address("y", i)), mu, 1);
        return s + NormalLogDensity(ObservedZ, mu, 2) - mu * mu / 4;
    }

    [Property(MaxTest = 50)]
    public Property SimulateScoreIsTheJointLogDensity(int seed, byte n)
    {
        var steps = n % 6;
        var trace = Fixed.Simulate(steps, new Rng(seed));
        return (Math.Abs(trace.Score - FixedScore(trace.Choices, steps)) < Tol).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property GenerateWithAllChoicesGivesWeightEqualToScore_AndAssessAgrees(int seed)
    {
        var trace = Branching.Simulate(Unit.Value, new Rng(seed));
        var (again, weight) = Branching.Generate(Unit.Value, trace.Choices, new Rng(seed + 1));
        var assess = Branching.Assess(Unit.Value, trace.Choices);
        return (Math.Abs(weight - trace.Score) < Tol
                && Math.Abs(again.Score - trace.Score) < Tol
                && Math.Abs(assess.Weight - trace.Score) < Tol
                && Math.Abs(assess.Return - trace.Return) < Tol).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property GenerateWithSomeConstraintsWeighsOnlyThem(int seed)
    {
        var mu = new Rng(seed).NextGaussian();
        var (trace, weight) = Fixed.Generate(3, ChoiceMap.From(("mu", mu)), new Rng(seed));
        // weight = log p(mu) + observation + factor: the y's come from the prior and cancel.
        var expected = NormalLogDensity(mu, 0, 1) + NormalLogDensity(ObservedZ, mu, 2) - mu * mu / 4;
        return (Math.Abs(weight - expected) < Tol && Math.Abs(trace.Score - FixedScore(trace.Choices, 3)) < Tol).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property ProposeWeightEqualsAssessOfItsChoices(int seed)
    {
        var (choices, weight, _) = Branching.Propose(Unit.Value, new Rng(seed));
        return (Math.Abs(weight - Branching.Assess(Unit.Value, choices).Weight) < Tol).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property UpdateOnFixedStructureWeighsTheScoreRatio_AndDiscardsOldValues(int seed)
    {
        var rng = new Rng(seed);
        var trace = Fixed.Simulate(3, rng);
        var newMu = rng.NextGaussian();
        var newY1 = rng.NextGaussian();
        var constraints = ChoiceMap.From(("mu", newMu), (new Address("y", 1), newY1));
        var (updated, weight, discard) = Fixed.Update(trace, 3, constraints, rng);
        var expected = FixedScore(updated.Choices, 3) - FixedScore(trace.Choices, 3);
        return (Math.Abs(weight - expected) < Tol
                && updated.Get<double>("mu") == newMu
                && updated.Get<double>(new Address("y", 0)) == trace.Get<double>(new Address("y", 0))
                && discard.Get<double>("mu") == trace.Get<double>("mu")
                && discard.Get<double>(new Address("y", 1)) == trace.Get<double>(new Address("y", 1))
                && discard.Count == 2).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property UpdateThatChangesArgumentsDiscardsRemovedChoices_AndSubtractsFreshOnes(int seed, bool grow)
    {
        var rng = new Rng(seed);
        var (from, to) = grow ? (2, 4) : (4, 2);
        var trace = Fixed.Simulate(from, rng);
        var (updated, weight, discard) = Fixed.Update(trace, to, ChoiceMap.Empty, rng);
        var fresh = 0.0;
        for (var i = from; i < to; i++) fresh += NormalLogDensity(updated.Get<double>(new Address("y", i)), updated.Get<double>("mu"), 1);
        var expected = FixedScore(updated.Choices, to) - FixedScore(trace.Choices, from) - fresh;
        var removedOk = grow ? discard.IsEmpty : discard.Count == 2 && discard.Get<double>(new Address("y", 3)) == trace.Get<double>(new Address("y", 3));
        return (Math.Abs(weight - expected) < Tol && removedOk).ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property UpdateThatFlipsABranchWeighsFreshChoicesOut(int seed)
    {
        var rng = new Rng(seed);
        var trace = Branching.Simulate(Unit.Value, rng);
        var b = trace.Get<bool>("b");
        var (updated, weight, discard) = Branching.Update(trace, Unit.Value, ChoiceMap.From(("b", !b)), rng);
        // Fresh choices are those of the new branch; computed here by hand.
        double fresh;
        if (!b)
        {
            fresh = NormalLogDensity(updated.Get<double>("x"), 0, 1);
        }
        else
        {
            var k = updated.Get<bool>("k");
            fresh = Math.Log(k ? 0.7 : 0.3) + NormalLogDensity(updated.Get<double>("y"), k ? 1 : -1, 2);
        }
        var newScore = Branching.Assess(Unit.Value, updated.Choices).Weight;
        var expectedDiscard = b ? new[] { "b", "x" } : new[] { "b", "k", "y" };
        return (Math.Abs(weight - (newScore - trace.Score - fresh)) < Tol
                && discard.Count == expectedDiscard.Length
                && expectedDiscard.All(a => discard.Contains(a))).ToProperty();
    }

    [Property(MaxTest = 50)]
    public Property RegenerateWeightIsTheMetropolisHastingsRatio(int seed)
    {
        var rng = new Rng(seed);
        var trace = Fixed.Simulate(3, rng);
        var (regenerated, weight) = Fixed.Regenerate(trace, 3, Selection.At("mu"), rng);
        // The proposal draws mu from its prior, so log q(mu' | t) = log N(mu'; 0, 1): the MH ratio is
        // p(t')q(t|t') / p(t)q(t'|t) with q the prior of mu.
        var muOld = trace.Get<double>("mu");
        var muNew = regenerated.Get<double>("mu");
        var expected = (FixedScore(regenerated.Choices, 3) - NormalLogDensity(muNew, 0, 1))
                       - (FixedScore(trace.Choices, 3) - NormalLogDensity(muOld, 0, 1));
        var ysKept = Enumerable.Range(0, 3).All(i => regenerated.Get<double>(new Address("y", i)) == trace.Get<double>(new Address("y", i)));
        return (Math.Abs(weight - expected) < Tol && ysKept && muNew != muOld).ToProperty();
    }

    [Property(MaxTest = 60)]
    public Property RegenerateAcrossBranchesCancelsTheProposedChoices(int seed)
    {
        var rng = new Rng(seed);
        var trace = Branching.Simulate(Unit.Value, rng);
        var (regenerated, weight) = Branching.Regenerate(trace, Unit.Value, Selection.At("b"), rng);
        // Every choice outside "sub" is either resampled, fresh or dropped, so only the sub-call's
        // terms (unchanged) could remain: the weight is exactly zero.
        var subSame = regenerated.Get<double>(new Address("sub", "mu")) == trace.Get<double>(new Address("sub", "mu"));
        return (Math.Abs(weight) < Tol && subSame).ToProperty();
    }

    [Fact]
    public void RegenerateInsideASubCallReachesIt()
    {
        var rng = new Rng(3);
        var trace = Branching.Simulate(Unit.Value, rng);
        var (regenerated, weight) = Branching.Regenerate(trace, Unit.Value, Selection.At(new Address("sub", "mu")), rng);
        var oldSub = trace.Choices.GetSubmap("sub");
        var newSub = regenerated.Choices.GetSubmap("sub");
        var expected = (FixedScore(newSub, 2) - NormalLogDensity(newSub.Get<double>("mu"), 0, 1))
                       - (FixedScore(oldSub, 2) - NormalLogDensity(oldSub.Get<double>("mu"), 0, 1));
        Assert.NotEqual(oldSub.Get<double>("mu"), newSub.Get<double>("mu"));
        Assert.Equal(trace.Get<bool>("b"), regenerated.Get<bool>("b"));
        Assert.Equal(expected, weight, 9);
    }

    [Property(MaxTest = 30)]
    public Property ProjectOfAllIsTheScore_AndOfNoneIsObservationsAndFactors(int seed)
    {
        var trace = Fixed.Simulate(2, new Rng(seed));
        var mu = trace.Get<double>("mu");
        var none = NormalLogDensity(ObservedZ, mu, 2) - mu * mu / 4;
        return (Math.Abs(Fixed.Project(trace, Selection.All) - trace.Score) < Tol
                && Math.Abs(Fixed.Project(trace, Selection.None) - none) < Tol).ToProperty();
    }

    [Fact]
    public void SameSeedGivesTheSameTrace()
    {
        var a = Branching.Simulate(Unit.Value, new Rng(42));
        var b = Branching.Simulate(Unit.Value, new Rng(42));
        Assert.True(ChoiceMap.Equivalent(a.Choices, b.Choices));
        Assert.Equal(a.Score, b.Score);
    }

    [Fact]
    public void ChoiceGradientsOfScalarChoicesMatchTheAnalyticGradient()
    {
        var trace = Fixed.Simulate(2, new Rng(5));
        var c = trace.Choices;
        var mu = c.Get<double>("mu");
        var y0 = c.Get<double>(new Address("y", 0));
        var y1 = c.Get<double>(new Address("y", 1));
        var grads = Fixed.ChoiceGradients(trace, Selection.All);
        // d/dmu of −mu²/2 + Σ −(y−mu)²/2 − (z−mu)²/8 − mu²/4
        var dmu = -mu + (y0 - mu) + (y1 - mu) + (ObservedZ - mu) / 4 - mu / 2;
        Assert.Equal(dmu, grads.Get<double>("mu"), 7);
        Assert.Equal(-(y0 - mu), grads.Get<double>(new Address("y", 0)), 7);
        Assert.False(Fixed.ChoiceGradients(trace, Selection.At("mu")).Contains(new Address("y", 0)));
    }
}
