using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Modeling;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// M6: for every model, generated and dynamic execution agree on choices, returns, scores, weights and
/// errors for simulate, propose, generate, assess, update, regenerate and project (see <see cref="Equivalence"/>).
/// </summary>
public class GeneratedEquivalenceTests
{
    private static double[] Data(int seed, int n)
    {
        var r = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextGaussian() * 2).ToArray();
    }

    [Property(MaxTest = 40)]
    public Property Line(int seed) => Equivalence.Check(GenModels.LineModel, DynModels.Line, Data(seed, 4), Data(seed + 1, 2), seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property Fixed(int seed, byte n, byte m) => Equivalence.Check(GenModels.FixedModel, DynModels.Fixed, n % 5, m % 5, seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property Branching(int seed) => Equivalence.Check(GenModels.BranchingModel, DynModels.Branching, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property Sprinkler(int seed) => Equivalence.Check(GenModels.SprinklerModel, DynModels.Sprinkler, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property RecursiveGeometric(int seed) => Equivalence.Check(GenModels.GeoModel, DynModels.Geo, 0.5, 0.3, seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property StochasticWhileLoop(int seed) => Equivalence.Check(GenModels.FlipsModel, DynModels.Flips, 0.3, 0.6, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property Mixture(int seed) => Equivalence.Check(GenModels.MixtureModel, DynModels.Mixture, Data(seed, 5), Data(seed, 3), seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property Hierarchical(int seed) => Equivalence.Check(GenModels.HierarchicalModel, DynModels.Hierarchical, Data(seed, 6), Data(seed + 2, 8), seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property PoissonCounts(int seed) =>
        Equivalence.Check(GenModels.CountsModel, DynModels.Counts, new[] { 1, 4, 2 }, new[] { 0, 3 }, seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property IntBoolDoubleChoices(int seed) => Equivalence.Check(GenModels.TypesModel, DynModels.Types, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property SwitchWithOneAddressUnderThreeFamilies(int seed) =>
        Equivalence.Check(GenModels.SwitchModel, DynModels.Switch, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property NestedLoops(int seed) => Equivalence.Check(GenModels.GridModel, DynModels.Grid, (2, 3), (3, 1), seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property CallsToDynamicAndGeneratedModels(int seed)
    {
        // The generated model calls DynModels.Sprinkler and GenModels.Fixed; its twin calls the dynamic ones.
        // Sprinkler is shared, and GenModels.Fixed ≡ DynModels.Fixed, so choices and weights must agree.
        return Equivalence.Check(GenModels.CallsModel, DynModels.Calls, 2, 3, seed).ToProperty();
    }

    [Property(MaxTest = 40)]
    public Property ClosureFallsBackToTheDynamicTracer(int seed) =>
        Equivalence.Check(GenModels.ClosureModel, DynModels.Closure, 3, 2, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property ConditionalExpression(int seed, bool flag) =>
        Equivalence.Check(GenModels.ConditionalModel, DynModels.Conditional, flag, !flag, seed).ToProperty();

    [Property(MaxTest = 20)]
    public Property ExpressionBodied(int seed) => Equivalence.Check(GenModels.SimpleModel, DynModels.Simple, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property TupleArguments(int seed, byte n) =>
        Equivalence.Check(GenModels.Args2Model, DynModels.Args2, (n % 4, 1.5), ((n + 1) % 4, 0.5), seed).ToProperty();

    [Fact]
    public void TheFallbackModelIsADynamicModelAndTheOthersAreSpecialised()
    {
        Assert.IsType<DynamicModel<int, double>>(GenModels.ClosureModel);
        Assert.False(GenModels.ClosureMetadata.IsSpecialised);
        Assert.True(GenModels.LineModel.Metadata.IsSpecialised);
    }

    [Fact]
    public void TypedTraceAndBuilderReadAndWriteTheSameAddresses()
    {
        var xs = new[] { 0.0, 1.0, 2.0 };
        var trace = GenModels.LineModel.Simulate(xs, new Rng(1));
        Assert.Equal(trace.Choices.Get<double>("slope"), trace.Slope);
        Assert.Equal(trace.Choices.Get<double>(new Address("y", 2)), trace.Y[2]);
        Assert.Equal(trace.Return[1], trace.Y[1]);
        var constraints = GenModels.LineModel.Choices().Slope(2).Intercept(1).Noise(0.5).Y(0, 1).Y(1, 3).Y(2, 5);
        var (t2, w) = GenModels.LineModel.Generate(xs, constraints, new Rng(2));
        Assert.Equal(2.0, ((GenModels.LineTrace)t2).Slope);
        Assert.Equal(t2.Score, w, 12);
        Assert.Equal(DynModels.Line.Assess(xs, constraints).Weight, w, 12);
    }

    [Fact]
    public void MetadataListsStaticSitesAndFamilies()
    {
        var meta = GenModels.LineFunction.StaticMetadata;
        Assert.Equal(new[] { "slope", "intercept", "noise" }, meta.StaticSites.Select(s => s.Name));
        var y = meta.Sites.Single(s => s.Address == "y");
        Assert.False(y.IsStatic);
        Assert.Equal("Normal", y.Family);
        Assert.True(GenModels.TypesFunction.StaticMetadata.Sites.Single(s => s.Address == "n").IsDiscrete);
    }

    [Fact]
    public void CallingAModelMethodDirectlyExplainsWhatToDo()
    {
        var e = Assert.Throws<InvalidOperationException>(() => GenModels.Simple());
        Assert.Contains("generated", e.Message);
    }

    [Fact]
    public void AssessOfAGeneratedTracesOwnChoicesAllocatesNothing()
    {
        var ys = Data(3, 8);
        var trace = GenModels.HierarchicalModel.Simulate(ys, new Rng(4));
        // Hierarchical has families (theta/j), which allocate addresses; Simple and Sprinkler are fully static.
        var simple = GenModels.SprinklerModel.Simulate(Unit.Value, new Rng(5));
        var choices = simple.Choices;
        for (var i = 0; i < 100; i++) GenModels.SprinklerModel.Assess(Unit.Value, choices);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) GenModels.SprinklerModel.Assess(Unit.Value, choices);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(trace.Score, GenModels.HierarchicalModel.Assess(ys, trace.Choices).Weight, 12);
    }
}
