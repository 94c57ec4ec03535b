using Ppl.Distributions;
using Xunit;
using static Ppl.Tests.TestModels;

namespace Ppl.Tests.Dynamic;

/// <summary>Bad input gets a clear error naming the address and the value, never a silent NaN.</summary>
public class BadInputTests
{
    [Fact]
    public void InvalidDistributionParametersNameTheAddressAndTheValue()
    {
        var model = DynamicModel.Create("bad", t => t.Sample("noise", new Normal(0, -1.5)));
        var e = Assert.Throws<DistributionParameterException>(() => model.Simulate(Unit.Value, new Rng(1)));
        Assert.Contains("noise", e.Message);
        Assert.Contains("-1.5", e.Message);
        Assert.Contains("sigma", e.Message);
    }

    [Fact]
    public void AnObservationOutsideTheSupportGivesWeightMinusInfinity_NotACrash()
    {
        var model = DynamicModel.Create("coin", t =>
        {
            var p = t.Sample("p", new Bernoulli(0.5)) ? 1.0 : 0.0;
            t.Observe("flip", new Bernoulli(p), true);
            return p;
        });
        var (trace, weight) = model.Generate(Unit.Value, ChoiceMap.From(("p", false)), new Rng(1));
        Assert.Equal(double.NegativeInfinity, weight);
        Assert.Equal(double.NegativeInfinity, trace.Score);
    }

    [Fact]
    public void ConstraintsAtAddressesTheModelNeverVisitsAreListedWithTheClosestAddress()
    {
        var constraints = ChoiceMap.From(("mu", 0.1), ("nu", 2.0), (new Address("y", 7), 1.0));
        var e = Assert.Throws<UnvisitedConstraintsException>(() => Fixed.Generate(3, constraints, new Rng(1)));
        Assert.Equal(2, e.Unvisited.Count);
        Assert.Contains("'nu' (closest address the model has: 'mu')", e.Message);
        Assert.Contains("'y/7'", e.Message);
    }

    [Fact]
    public void ConstrainingAnObservationIsAnError()
    {
        var e = Assert.Throws<ModelException>(() => Fixed.Generate(1, ChoiceMap.From(("z", 1.0)), new Rng(1)));
        Assert.Contains("'z' is an observation", e.Message);
    }

    [Fact]
    public void TwoChoicesAtOneAddressInOneRunAreAnErrorNamingIt()
    {
        var model = DynamicModel.Create("loop", t =>
        {
            for (var i = 0; i < 3; i++) t.Sample("x", new Normal(0, 1));
            return 0;
        });
        var e = Assert.Throws<ModelException>(() => model.Simulate(Unit.Value, new Rng(1)));
        Assert.Contains("'x' twice", e.Message);
        Assert.Equal((Address)"x", e.Address);
    }

    [Fact]
    public void AssessWithAMissingChoiceNamesIt()
    {
        var e = Assert.Throws<ModelException>(() => Fixed.Assess(1, ChoiceMap.From(("mu", 0.0))));
        Assert.Contains("'y/0'", e.Message);
    }

    [Fact]
    public void ANaNFactorIsAnError()
    {
        var model = DynamicModel.Create("nan", t =>
        {
            t.Factor(double.NaN);
            return 0;
        });
        Assert.Throws<ModelException>(() => model.Simulate(Unit.Value, new Rng(1)));
    }

    [Fact]
    public void AConstraintOfTheWrongTypeNamesTheAddress()
    {
        var e = Assert.Throws<ModelException>(() => Fixed.Generate(0, ChoiceMap.From(("mu", "zero")), new Rng(1)));
        Assert.Contains("'mu'", e.Message);
    }

    [Fact]
    public void ATraceFromAnotherModelIsRejected()
    {
        var other = DynamicModel.Create<int, double>("other", (t, n) => t.Sample("mu", new Normal(0, 1)));
        var trace = other.Simulate(0, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => Fixed.Update(trace, 0, ChoiceMap.Empty, new Rng(1)));
        Assert.Contains("other", e.Message);
    }
}
