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
