using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.TestModels;

namespace Ppl.Tests.Enumeration;

public class ReplayTests
{
    [Fact]
    public void ReplayReusesGivenValuesAndForcesOne()
    {
        var trace = Fixed.Simulate(3, new Rng(1));
        var (replayed, _, unused) = Replay.Run(Fixed, 3, trace.Choices, new Rng(2), "mu", 0.25);
        Assert.Equal(0.25, replayed.Get<double>("mu"));
        for (var i = 0; i < 3; i++) Assert.Equal(trace.Get<double>(new Address("y", i)), replayed.Get<double>(new Address("y", i)));
        Assert.True(unused.IsEmpty);
    }

    [Fact]
    public void ValuesOfABranchNoLongerTakenAreSetAsideAndTheRestIsFresh()
    {
        var rng = new Rng(4);
        ITrace<Unit, double> trace;
        do trace = Branching.Simulate(Unit.Value, rng); while (!trace.Get<bool>("b"));
        var (replayed, _, unused) = Replay.Run(Branching, Unit.Value, trace.Choices, new Rng(5), "b", false);
        Assert.False(replayed.Get<bool>("b"));
        Assert.True(unused.Contains("x"));
        Assert.True(replayed.Choices.Contains("y"));
        Assert.Equal(trace.Get<double>(new Address("sub", "mu")), replayed.Get<double>(new Address("sub", "mu")));
    }

    [Fact]
    public void ForcingAnAddressTheRunNeverVisitsIsAnError()
    {
        var trace = Fixed.Simulate(1, new Rng(1));
        Assert.Throws<ModelException>(() => Replay.Run(Fixed, 1, trace.Choices, new Rng(2), "nope", 1.0));
    }
}

public class NestedReplayTests
{
    private static readonly DynamicModel<bool, double> Inner = DynamicModel.Create<bool, double>("inner", (t, deep) =>
        deep ? t.Sample("d", new Ppl.Distributions.Normal(0, 1)) : t.Sample("s", new Ppl.Distributions.Normal(0, 1)));

    private static readonly DynamicModel<Unit, double> Outer = DynamicModel.Create("outer", t =>
    {
        var deep = t.Sample("deep", new Ppl.Distributions.Bernoulli(0.5));
        return t.Call("sub", Inner, deep);
    });

    [Fact]
    public void UnvisitedConstraintsInsideASubCallCarryTheFullAddress()
    {
        var e = Assert.Throws<UnvisitedConstraintsException>(() =>
            Outer.Generate(Unit.Value, ChoiceMap.From(("deep", true), (new Address("sub", "s"), 1.0)), new Rng(1)));
        Assert.Equal(new Address("sub", "s"), e.Unvisited[0]);
        Assert.Contains("'sub/s' (closest address the model has: 'sub/d')", e.Message);
    }

    [Fact]
    public void ReplaySetsAsideUnreachedValuesInsideSubCalls()
    {
        var given = ChoiceMap.From(("deep", false), (new Address("sub", "s"), 0.5));
        var (trace, _, unused) = Replay.Run(Outer, Unit.Value, given, new Rng(2), "deep", true);
        Assert.True(trace.Choices.Contains(new Address("sub", "d")));
        Assert.Equal(0.5, unused.Get<double>(new Address("sub", "s")));
    }
}
