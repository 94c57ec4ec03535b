using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Modeling;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// The generator's dependency analysis: in update and regenerate, a kept choice or an observation whose inputs did
/// not change keeps its stored log density. The tables it emits are checked against what each model's data flow
/// says, and every operation is compared with the dynamic tracer (which recomputes everything); a deliberately
/// wrong table must give a different weight, which shows that the stored densities are really used.
/// </summary>
public class DependencyTests
{
    private static int[]? DependsOn(ModelMetadata meta, string address)
    {
        Assert.True(meta.TryGetSlot(address, out var slot));
        Assert.NotNull(meta.Dependencies);
        return meta.Dependencies!.DependsOn[slot];
    }

    private static int Slot(ModelMetadata meta, string address)
    {
        Assert.True(meta.TryGetSlot(address, out var slot));
        return slot;
    }

    [Fact]
    public void TheTablesFollowLocalsLoopsBranchesJumpsAndArrays()
    {
        var local = DependencyModels.ThroughLocalModel.Metadata;
        Assert.Empty(DependsOn(local, "a")!);
        Assert.Equal(new[] { Slot(local, "a") }, DependsOn(local, "c"));
        Assert.Equal(new[] { Slot(local, "b") }, DependsOn(local, "d"));
        var args = local.SlotCount; // no families: the arguments' source comes right after the slots
        Assert.Equal(new[] { Slot(local, "c"), Slot(local, "d"), args }, DependsOn(local, "y0"));

        var loop = DependencyModels.ThroughLoopModel.Metadata;
        var z = DependsOn(loop, "z")!;
        Assert.Contains(Slot(loop, "s"), z);
        Assert.Contains(loop.SlotCount + 1, z); // the data xs (after the one family u)
        Assert.DoesNotContain(Slot(loop, "w"), z);
        Assert.Equal(new[] { loop.SlotCount }, DependsOn(loop, "t")); // the family u, not w
        Assert.Equal(new[] { "u" }, loop.Dependencies!.Families);
        Assert.Empty(DependsOn(loop, "free")!);

        var branch = DependencyModels.ThroughBranchModel.Metadata;
        Assert.Equal(new[] { Slot(branch, "flip") }, DependsOn(branch, "x"));
        Assert.Empty(DependsOn(branch, "y")!);
        Assert.Equal(new[] { Slot(branch, "k") }, DependsOn(branch, "scaled"));

        var jump = DependencyModels.ThroughJumpModel.Metadata;
        Assert.Contains(Slot(jump, "z"), DependsOn(jump, "s")!);

        var array = DependencyModels.ThroughArrayModel.Metadata;
        Assert.Equal(new[] { Slot(array, "a") }, DependsOn(array, "c"));
        Assert.Equal(new[] { Slot(array, "b") }, DependsOn(array, "d"));

        var unknown = DependencyModels.UnknownsModel.Metadata;
        Assert.Null(DependsOn(unknown, "c")); // through a helper method
        Assert.Null(DependsOn(unknown, "e")); // a mutable static field
        Assert.Equal(new[] { Slot(unknown, "a") }, DependsOn(unknown, "f"));
    }

    private static double[] Data(int seed, int n)
    {
        var r = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextGaussian() * 2).ToArray();
    }

    [Property(MaxTest = 30)]
    public Property ThroughLocal(int seed) =>
        Equivalence.Check(DependencyModels.ThroughLocalModel, DependencyTwins.ThroughLocal, Data(seed, 1), Data(seed + 1, 1), seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property ThroughLoop(int seed) =>
        Equivalence.Check(DependencyModels.ThroughLoopModel, DependencyTwins.ThroughLoop, Data(seed, 3), Data(seed + 1, 2), seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property ThroughBranch(int seed) =>
        Equivalence.Check(DependencyModels.ThroughBranchModel, DependencyTwins.ThroughBranch, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property ThroughJump(int seed) =>
        Equivalence.Check(DependencyModels.ThroughJumpModel, DependencyTwins.ThroughJump, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property ThroughArray(int seed) =>
        Equivalence.Check(DependencyModels.ThroughArrayModel, DependencyTwins.ThroughArray, Unit.Value, Unit.Value, seed).ToProperty();

    [Property(MaxTest = 30)]
    public Property Unknowns(int seed) =>
        Equivalence.Check(DependencyModels.UnknownsModel, DependencyTwins.Unknowns, Unit.Value, Unit.Value, seed).ToProperty();

    [Fact]
    public void MetropolisHastingsChainsMatchTheDynamicTracer()
    {
        Equivalence.SameChain(DependencyModels.ThroughLocalModel, DependencyTwins.ThroughLocal, new[] { 0.7 }, new[] { "a", "b", "c", "d" }, 200);
        Equivalence.SameChain(DependencyModels.ThroughLoopModel, DependencyTwins.ThroughLoop, new[] { 0.5, -1.0 }, new[] { "s", "w", "z", "t", "free" }, 200);
        Equivalence.SameChain(DependencyModels.ThroughBranchModel, DependencyTwins.ThroughBranch, Unit.Value, new[] { "flip", "x", "y", "k", "scaled" }, 200);
        Equivalence.SameChain(DependencyModels.ThroughJumpModel, DependencyTwins.ThroughJump, Unit.Value, new[] { "z", "s" }, 100);
        Equivalence.SameChain(DependencyModels.ThroughArrayModel, DependencyTwins.ThroughArray, Unit.Value, new[] { "a", "b", "c", "d" }, 200);
    }

    /// <summary>Regenerates a from a trace that regenerate made (so it carries an image of its arguments); returns generated and dynamic weights.</summary>
    private static (double Generated, double Dynamic) RegenerateA(double[] ys, Action? between = null)
    {
        var gen = DependencyModels.ThroughLocalModel;
        var dyn = DependencyTwins.ThroughLocal;
        var t0g = gen.Simulate(ys, new Rng(5));
        var t0d = dyn.Simulate(ys, new Rng(5));
        var t1g = gen.Regenerate(t0g, ys, Selection.At("b"), new Rng(6)).Trace;
        var t1d = dyn.Regenerate(t0d, ys, Selection.At("b"), new Rng(6)).Trace;
        between?.Invoke();
        var wg = gen.Regenerate(t1g, ys, Selection.At("a"), new Rng(7)).Weight;
        var wd = dyn.Regenerate(t1d, ys, Selection.At("a"), new Rng(7)).Weight;
        return (wg, wd);
    }

    [Fact]
    public void AWrongTableGivesAWrongWeight_NegativeControl()
    {
        var gen = DependencyModels.ThroughLocalModel;
        var right = gen.Dependencies;
        var (wg, wd) = RegenerateA(new[] { 0.7 });
        Assert.Equal(wd, wg, 1e-10);
        try
        {
            // c made independent of a: after a is resampled, c keeps its old density and the weight misses its change.
            gen.Dependencies = new SiteDependencies(Array.Empty<string>(), new int[]?[] { [], [], [], [1], [2, 3, 5] });
            var (bad, dynamic) = RegenerateA(new[] { 0.7 });
            Assert.True(Math.Abs(bad - dynamic) > 1e-6, $"a wrong table gave the right weight {bad}");
        }
        finally
        {
            gen.Dependencies = right;
        }
    }

    [Fact]
    public void ArgumentsRefilledInPlaceCountAsChanged()
    {
        var gen = DependencyModels.ThroughLocalModel;
        var ys = new[] { 0.7 };
        var (wg, wd) = RegenerateA(ys, () => ys[0] = 4.0); // same array object, new data
        Assert.Equal(wd, wg, 1e-10);
        Assert.True(Math.Abs(wd - RegenerateA(new[] { 0.7 }).Dynamic) > 1e-6); // the new data do move the weight

        // Negative control: a table that says the observation does not read the arguments misses the new data.
        var right = gen.Dependencies;
        try
        {
            gen.Dependencies = new SiteDependencies(Array.Empty<string>(), new int[]?[] { [], [], [0], [1], [2, 3] });
            var ys2 = new[] { 0.7 };
            var (bad, dynamic) = RegenerateA(ys2, () => ys2[0] = 4.0);
            Assert.True(Math.Abs(bad - dynamic) > 1e-6, $"ignoring the arguments gave the right weight {bad}");
        }
        finally
        {
            gen.Dependencies = right;
        }
    }

    [Fact]
    public void StateTheAnalysisCannotSeeIsRecomputed()
    {
        var gen = DependencyModels.UnknownsModel;
        var dyn = DependencyTwins.Unknowns;
        (double, double) Run()
        {
            DependencyModels.Offset = 0;
            var t0g = gen.Simulate(Unit.Value, new Rng(1));
            var t0d = dyn.Simulate(Unit.Value, new Rng(1));
            var t1g = gen.Regenerate(t0g, Unit.Value, Selection.At("f"), new Rng(2)).Trace;
            var t1d = dyn.Regenerate(t0d, Unit.Value, Selection.At("f"), new Rng(2)).Trace;
            DependencyModels.Offset = 1.5; // c and e now have other distributions, though no choice changed
            return (gen.Regenerate(t1g, Unit.Value, Selection.At("f"), new Rng(3)).Weight, dyn.Regenerate(t1d, Unit.Value, Selection.At("f"), new Rng(3)).Weight);
        }
        var right = gen.Dependencies;
        try
        {
            var (wg, wd) = Run();
            Assert.Equal(wd, wg, 1e-10);
            Assert.True(Math.Abs(wd) > 1e-6); // the offset does move the weight

            // Negative control: claiming c and e depend on nothing keeps their stale densities.
            gen.Dependencies = new SiteDependencies(Array.Empty<string>(), new int[]?[] { [], [], [], [0] });
            var (bad, dynamic) = Run();
            Assert.True(Math.Abs(bad - dynamic) > 1e-6, $"a table blind to the static field gave the right weight {bad}");
        }
        finally
        {
            gen.Dependencies = right;
            DependencyModels.Offset = 0;
        }
    }
}

/// <summary>The analysis covers the equivalence suite's models (it gives up only on constructs it does not model).</summary>
public class DependencyCoverageTests
{
    [Fact]
    public void EverySpecialisedModelOfTheSuiteHasATable()
    {
        var models = typeof(GenModels).GetProperties()
            .Where(p => p.Name.EndsWith("Model", StringComparison.Ordinal) && p.GetValue(null) is IGenerativeFunction)
            .Select(p => (p.Name, Meta: p.PropertyType.GetProperty("Metadata")?.GetValue(p.GetValue(null)) as ModelMetadata))
            .Where(m => m.Meta is { IsSpecialised: true })
            .ToList();
        Assert.True(models.Count >= 15, $"only {models.Count} specialised models found");
        Assert.Empty(models.Where(m => m.Meta!.Dependencies is null).Select(m => m.Name));
    }

    [Fact]
    public void AReplacedDependencyTableTurnsTheStraightLineFormOff()
    {
        // (Here, with the other tests that swap this model's table: test classes run in parallel.)
        // The straight-line code has the generated table compiled in; a test that swaps the table (to show a wrong one
        // gives wrong weights) must reach the handler body, which reads the table it is given.
        var gen = DependencyModels.ThroughLocalModel;
        var right = gen.Dependencies;
        var ys = new[] { 0.7 };
        var t = gen.Simulate(ys, new Rng(1));
        try
        {
            gen.Dependencies = new SiteDependencies(Array.Empty<string>(), new int[]?[] { [], [], [], [1], [2, 3, 5] });
            var before = StraightLineCounter.Runs;
            gen.Regenerate(t, ys, Selection.At("a"), new Rng(2));
            Assert.Equal(before, StraightLineCounter.Runs);
        }
        finally
        {
            gen.Dependencies = right;
        }
    }
}
