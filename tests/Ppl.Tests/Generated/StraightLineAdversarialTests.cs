using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Modeling;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// Attempts to break the straight-line forms of assess and regenerate (<see cref="AdversarialModels"/>): every
/// operation must give exactly what the dynamic tracer gives (choices, scores, weights, return values, exceptions and
/// the random stream afterwards), the forms must be taken where the model qualifies (a counter shows it) and stand
/// aside where it does not. All in one class: one test changes <see cref="AdversarialModels.Offset"/>, which the
/// others read, and xunit runs a class's tests one at a time.
/// </summary>
public class StraightLineAdversarialTests
{
    private const double Tol = 1e-10;

    private static int Runs => StraightLineCounter.Runs;

    private static double[] Data(int seed, int n)
    {
        var r = new Rng(seed);
        return Enumerable.Range(0, n).Select(_ => r.NextGaussian() * 2).ToArray();
    }

    /// <summary>Equal weights, where −∞, +∞ and NaN must match exactly.</summary>
    private static void SameWeight(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsInfinity(expected)) Assert.Equal(expected, actual);
        else Assert.Equal(expected, actual, Tol);
    }

    private static void SameTrace<TA, TR>(ITrace<TA, TR> g, ITrace<TA, TR> d)
    {
        Assert.True(ChoiceMap.Equivalent(g.Choices, d.Choices), $"choices differ:\n{g.Choices}\nvs\n{d.Choices}");
        SameWeight(d.Score, g.Score);
        Assert.Equal(d.Return, g.Return);
    }

    private static (T Gen, T Dyn) Both<T>(Func<T> gen, Func<T> dyn)
    {
        Exception? eg = null, ed = null;
        T rg = default!, rd = default!;
        try { rg = gen(); } catch (Exception e) { eg = e; }
        try { rd = dyn(); } catch (Exception e) { ed = e; }
        Assert.True((eg is null) == (ed is null), $"only one threw: generated {eg?.GetType().Name}: {eg?.Message}; dynamic {ed?.GetType().Name}: {ed?.Message}");
        if (eg is not null)
        {
            Assert.Equal(ed!.GetType(), eg.GetType());
            Assert.Equal(ed.Message, eg.Message);
        }
        return (rg, rd);
    }

    // ------------------------------------------------------------------ the equivalence harness on each model

    [Property(MaxTest = 25)]
    public Property Through(int seed) =>
        Equivalence.Check(AdversarialModels.ThroughModel, AdversarialTwins.Through, Data(seed, 2), Data(seed + 1, 2), seed).ToProperty();

    [Property(MaxTest = 25)]
    public Property Names(int seed) =>
        Equivalence.Check(AdversarialModels.NamesModel, AdversarialTwins.Names, 0.5, seed % 3 - 1.0, seed).ToProperty();

    [Property(MaxTest = 40)]
    public Property Scalars(int seed) =>
        Equivalence.Check(AdversarialModels.ScalarsModel, AdversarialTwins.Scalars, 1.0, 0.5 + Math.Abs(seed % 3), seed).ToProperty();

    [Property(MaxTest = 60)]
    public Property Fragile(int seed) =>
        // The harness simulates a few more runs for its constraints (seeds + 1, + 2, + 5, + 12) outside its exception
        // check: seeds where one of those raises the parameter error are left out (the main runs may still raise it).
        (new[] { 1, 2, 5, 12 }.Any(k => Record.Exception(() => AdversarialTwins.Fragile.Simulate(Unit.Value, new Rng(seed + k))) is not null)
         || Equivalence.Check(AdversarialModels.FragileModel, AdversarialTwins.Fragile, Unit.Value, Unit.Value, seed)).ToProperty();

    [Property(MaxTest = 25)]
    public Property DataModel(int seed) =>
        Equivalence.Check(AdversarialModels.DataModel, AdversarialTwins.Data, Data(seed, 3), Data(seed + 1, 3), seed).ToProperty();

    [Property(MaxTest = 25)]
    public Property SideEffects(int seed) =>
        Equivalence.Check(AdversarialModels.SideEffectsModel, AdversarialTwins.SideEffects, 1.0, 2.0, seed).ToProperty();

    // ------------------------------------------------------------------ where the forms are taken

    [Fact]
    public void TheFormsAreTakenByTheQualifyingModelsAndNotBySideEffects()
    {
        var ys = Data(3, 3);
        var before = Runs;
        var t = AdversarialModels.ThroughModel.Simulate(ys, new Rng(1));
        AdversarialModels.ThroughModel.Assess(ys, t.Choices);
        AdversarialModels.ThroughModel.Regenerate(t, ys, Selection.At("a"), new Rng(2));
        var n = AdversarialModels.NamesModel.Simulate(0.5, new Rng(1));
        AdversarialModels.NamesModel.Assess(0.5, n.Choices);
        AdversarialModels.NamesModel.Regenerate(n, 0.5, Selection.At("args"), new Rng(2));
        var s = AdversarialModels.ScalarsModel.Simulate(1.0, new Rng(1));
        AdversarialModels.ScalarsModel.Assess(1.0, s.Choices);
        AdversarialModels.ScalarsModel.Regenerate(s, 1.0, Selection.At("sc"), new Rng(2));
        var d = AdversarialModels.DataModel.Simulate(ys, new Rng(1));
        AdversarialModels.DataModel.Assess(ys, d.Choices);
        AdversarialModels.DataModel.Regenerate(d, ys, Selection.At("mu"), new Rng(2));
        Assert.Equal(before + 8, Runs);
        // Side effects in a site's arguments: no straight-line form (the handler body evaluates them every time).
        var e = AdversarialModels.SideEffectsModel.Simulate(1.0, new Rng(1));
        AdversarialModels.SideEffectsModel.Assess(1.0, e.Choices);
        AdversarialModels.SideEffectsModel.Regenerate(e, 1.0, Selection.At("b"), new Rng(2));
        Assert.Equal(before + 8, Runs);
    }
}
