using System.Collections;
using Xunit;

namespace Ppl.Tests.Generated;

/// <summary>
/// Runs every operation of the generative function interface on a generated model and on its dynamic twin
/// with the same seeds, arguments, constraints and selections, and asserts identical results: choices
/// and return values exactly, scores exactly (both sum in program order), weights to 1e-10 (the dynamic
/// tracer sums dropped densities in dictionary order), and identical exceptions (type and message).
/// </summary>
internal static class Equivalence
{
    private const double Tol = 1e-10;

    public static bool Check<TA, TR>(IGenerativeFunction<TA, TR> gen, IGenerativeFunction<TA, TR> dyn, TA args, TA otherArgs, int seed)
    {
        var pick = new Rng(seed ^ 0x5eed);

        // Simulate and Propose.
        var (tg, td) = Both(() => gen.Simulate(args, new Rng(seed)), () => dyn.Simulate(args, new Rng(seed)));
        if (tg is null || td is null) return true;
        SameTrace(tg, td);
        var (pg, pd) = Both(() => gen.Propose(args, new Rng(seed + 1)), () => dyn.Propose(args, new Rng(seed + 1)));
        Assert.True(ChoiceMap.Equivalent(pg.Choices, pd.Choices));
        Assert.Equal(pd.Weight, pg.Weight, Tol);
        SameValue(pd.Return, pg.Return);

        // Generate with a random subset of another run's choices as constraints.
        var other = gen.Simulate(args, new Rng(seed + 2)).Choices;
        var constraints = Subset(other, pick);
        var (gg, gd) = Both(() => gen.Generate(args, constraints, new Rng(seed + 3)), () => dyn.Generate(args, constraints, new Rng(seed + 3)));
        if (gg.Trace is not null)
        {
            SameTrace(gg.Trace, gd.Trace);
            Assert.Equal(gd.Weight, gg.Weight, Tol);
        }

        // Generate and Assess with every choice given; also assess through the generated trace's own choices (the fast path).
        var (fg, fd) = Both(() => gen.Generate(args, td.Choices, new Rng(seed + 4)), () => dyn.Generate(args, td.Choices, new Rng(seed + 4)));
        Assert.Equal(fd.Weight, fg.Weight, Tol);
        var (ag, ad) = Both(() => gen.Assess(args, td.Choices), () => dyn.Assess(args, td.Choices));
        Assert.Equal(ad.Weight, ag.Weight, Tol);
        SameValue(ad.Return, ag.Return);
        Assert.Equal(ad.Weight, gen.Assess(args, tg.Choices).Weight, Tol);
        var partial = Subset(td.Choices, pick);
        Both(() => gen.Assess(args, partial).Weight, () => dyn.Assess(args, partial).Weight);

        // Update with other arguments and a random subset of another run's choices.
        var updateConstraints = Subset(gen.Simulate(otherArgs, new Rng(seed + 5)).Choices, pick);
        var (ug, ud) = Both(() => gen.Update(tg, otherArgs, updateConstraints, new Rng(seed + 6)), () => dyn.Update(td, otherArgs, updateConstraints, new Rng(seed + 6)));
        if (ug.Trace is not null)
        {
            SameTrace(ug.Trace, ud.Trace);
            Assert.Equal(ud.Weight, ug.Weight, Tol);
            Assert.True(ChoiceMap.Equivalent(ug.Discard, ud.Discard), $"discards differ:\n{ug.Discard}\nvs\n{ud.Discard}");
        }

        // Regenerate a random selection (of addresses and prefixes), with the same and with other arguments.
        var selection = Select(tg.Choices, pick);
        foreach (var a in new[] { args, otherArgs })
        {
            var (rg, rd) = Both(() => gen.Regenerate(tg, a, selection, new Rng(seed + 7)), () => dyn.Regenerate(td, a, selection, new Rng(seed + 7)));
            if (rg.Trace is null) continue;
            SameTrace(rg.Trace, rd.Trace);
            Assert.Equal(rd.Weight, rg.Weight, Tol);
        }

        // Project.
        foreach (var s in new[] { selection, Selection.All, Selection.None })
            Assert.Equal(dyn.Project(td, s), gen.Project(tg, s), Tol);
        return true;
    }

    private static ChoiceMap Subset(ChoiceMap choices, Rng pick)
    {
        var m = ChoiceMap.Empty;
        foreach (var (a, v) in choices.Leaves)
            if (pick.NextDouble() < 0.5) m = m.Set(a, v);
        return m;
    }

    private static Selection Select(ChoiceMap choices, Rng pick)
    {
        var exact = new List<Address>();
        var prefixes = new List<Address>();
        foreach (var (a, _) in choices.Leaves)
        {
            var u = pick.NextDouble();
            if (u < 0.3) exact.Add(a);
            else if (u < 0.4 && a.Length > 1) prefixes.Add(new Address(a.First));
        }
        return Selection.At(exact.ToArray()) | Selection.Prefix(prefixes.ToArray());
    }

    private static void SameTrace<TA, TR>(ITrace<TA, TR> g, ITrace<TA, TR> d)
    {
        Assert.True(ChoiceMap.Equivalent(g.Choices, d.Choices), $"choices differ:\n{g.Choices}\nvs\n{d.Choices}");
        Assert.Equal(d.Score, g.Score, Tol);
        SameValue(d.Return, g.Return);
    }

    private static void SameValue<T>(T expected, T actual)
    {
        if (expected is IStructuralEquatable e) Assert.True(e.Equals(actual, StructuralComparisons.StructuralEqualityComparer), $"{expected} vs {actual}");
        else Assert.Equal(expected, actual);
    }

    /// <summary>Runs both; either both succeed (results returned) or both throw the same exception.</summary>
    private static (T, T) Both<T>(Func<T> gen, Func<T> dyn)
    {
        Exception? eg = null, ed = null;
        T rg = default!, rd = default!;
        try { rg = gen(); } catch (Exception e) { eg = e; }
        try { rd = dyn(); } catch (Exception e) { ed = e; }
        if (eg is null && ed is null) return (rg, rd);
        Assert.True(eg is not null && ed is not null, $"only one threw: generated {eg?.GetType().Name}: {eg?.Message}; dynamic {ed?.GetType().Name}: {ed?.Message}");
        Assert.Equal(ed!.GetType(), eg!.GetType());
        Assert.Equal(ed.Message, eg.Message);
        return (default!, default!);
    }
}
