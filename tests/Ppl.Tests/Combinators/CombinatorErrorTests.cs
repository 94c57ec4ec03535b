using Xunit;
using static Ppl.Tests.Combinators.CombinatorModels;

namespace Ppl.Tests.Combinators;

public class CombinatorErrorTests
{
    private static readonly Map<double, double> Plate = new(FixedKernel, "plate");
    private static readonly Unfold<double, double> Chain = new(StepKernel(FixedStep), "chain");

    [Fact]
    public void AMapRejectsConstraintsBeyondItsItems()
    {
        var e = Assert.Throws<UnvisitedConstraintsException>(() =>
            Plate.Generate([1.0, 2.0, 3.0], ChoiceMap.Empty.Set((Address)5 / "x", 0.0), new Rng(1)));
        Assert.Equal(Address.Parse("5/x"), Assert.Single(e.Unvisited));
        Assert.Contains("'5/x'", e.Message);
        Assert.Contains("closest address the model has: '2'", e.Message);
        Assert.Contains("plate", e.Message);
    }

    [Fact]
    public void AMapRejectsConstraintsTheKernelDoesNotHaveWithTheFullAddress()
    {
        var e = Assert.Throws<UnvisitedConstraintsException>(() =>
            Plate.Generate([1.0, 2.0], ChoiceMap.Empty.Set((Address)1 / "xx", 0.0), new Rng(1)));
        Assert.Equal(Address.Parse("1/xx"), Assert.Single(e.Unvisited));
        Assert.Contains("closest address the model has: '1/x'", e.Message);
    }

    [Fact]
    public void AnUnfoldRejectsConstraintsAtStepsItDoesNotRun()
    {
        var tr = Chain.Simulate((10, 0.0, 0.5), new Rng(1));
        var e = Assert.Throws<UnvisitedConstraintsException>(() =>
            Chain.Update(tr, (10, 0.0, 0.5), ChoiceMap.Empty.Set((Address)10 / "x", 0.0), new Rng(2)));
        Assert.Equal(Address.Parse("10/x"), Assert.Single(e.Unvisited));
        Assert.Contains("closest address the model has: '9/x'", e.Message);

        Assert.Throws<UnvisitedConstraintsException>(() =>
            Chain.Generate((3, 0.0, 0.5), ChoiceMap.Empty.Set("x", 0.0), new Rng(2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Chain.Simulate((-1, 0.0, 0.5), new Rng(2)));
    }

    [Fact]
    public void ReplayDropsUnreachedConstraintsUnderACombinator()
    {
        // Replay relies on the unvisited addresses being relative to the function it runs.
        var r = Replay.Run(Plate, [1.0, 2.0], ChoiceMap.Empty.Set((Address)0 / "x", 0.5).Set((Address)1 / "nope", 1.0), new Rng(3));
        Assert.Equal(0.5, r.Trace.Choices.Get<double>((Address)0 / "x"));
        Assert.Equal(1.0, r.Unused.Get<double>((Address)1 / "nope"));
    }

    [Fact]
    public void TracesFromAnotherFunctionAreRejected()
    {
        var other = new Map<double, double>(FixedKernel, "other");
        var tr = other.Simulate([1.0], new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => Plate.Update(tr, [1.0], ChoiceMap.Empty, new Rng(1)));
        Assert.Contains("plate", e.Message);
        Assert.Contains("other", e.Message);
        Assert.Throws<ArgumentException>(() => Plate.Project((ITrace)FixedKernel.Simulate(1.0, new Rng(1)), Selection.All));

        var chainTrace = new Unfold<double, double>(StepKernel(FixedStep)).Simulate((2, 0.0, 0.5), new Rng(1));
        Assert.Throws<ArgumentException>(() => Chain.Regenerate(chainTrace, (2, 0.0, 0.5), Selection.All, new Rng(1)));

        var sw = new Switch<double, double>(FixedKernel, BranchingKernel);
        var sw2 = new Switch<double, double>(FixedKernel, BranchingKernel);
        Assert.Throws<ArgumentException>(() => sw.Project(sw2.Simulate((0, 1.0), new Rng(1)), Selection.All));
        Assert.Throws<ArgumentOutOfRangeException>(() => sw.Simulate((2, 1.0), new Rng(1)));
    }

    [Fact]
    public void ChoicesOfACombinatorTraceAreAView()
    {
        var tr = Plate.Simulate([1.0, 2.0, 3.0], new Rng(1));
        Assert.Equal(3, tr.Choices.Count);
        Assert.True(Plate.Simulate([], new Rng(1)).Choices.IsEmpty);
        // The view behaves as an ordinary choice map when extended.
        var extended = tr.Choices.Set((Address)3 / "x", 0.0);
        Assert.Equal(4, extended.Count);
        Assert.Equal(tr.Choices[(Address)1 / "x"], extended[(Address)1 / "x"]);
    }
}

public class CombinatorParameterTests
{
    [Fact]
    public void MapAndUnfoldExposeTheKernelsParametersAndSwitchItsOwnEmptyStore()
    {
        var plate = new Map<double, double>(FixedKernel);
        Assert.Same(FixedKernel.Parameters, plate.Parameters);
        var step = StepKernel(FixedStep);
        var chain = new Unfold<double, double>(step);
        Assert.Same(step.Parameters, chain.Parameters);
        var sw = new Switch<double, double>(FixedKernel, BranchingKernel);
        Assert.Equal(0, sw.Parameters.Count);

        // With no trainable parameters the delegation is a no-op, whatever the trace's size.
        plate.AccumulateParameterGradients(plate.Simulate([1.0, 2.0], new Rng(1)), 1.0);
        chain.AccumulateParameterGradients(chain.Simulate((4, 0.0, 0.5), new Rng(1)), 1.0);
        sw.AccumulateParameterGradients(sw.Simulate((1, 0.5), new Rng(1)), 1.0);
    }
}
