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

        // Chains of regenerate and update from traces the generated model made itself, with the arguments as the
        // same object: sites whose inputs did not change keep their stored log densities (the dependency analysis),
        // which must give exactly what the dynamic tracer recomputes.
        var (cg, cd) = Both(() => gen.Regenerate(tg, args, selection, new Rng(seed + 8)), () => dyn.Regenerate(td, args, selection, new Rng(seed + 8)));
        if (cg.Trace is not null)
        {
            var (tgc, tdc) = (cg.Trace, cd.Trace);
            for (var step = 0; step < 3; step++)
            {
                var sel = Select(tgc.Choices, pick);
                var (ng, nd) = Both(() => gen.Regenerate(tgc, args, sel, new Rng(seed + 9 + step)), () => dyn.Regenerate(tdc, args, sel, new Rng(seed + 9 + step)));
                if (ng.Trace is null) break;
                SameTrace(ng.Trace, nd.Trace);
                Assert.Equal(nd.Weight, ng.Weight, Tol);
                (tgc, tdc) = (ng.Trace, nd.Trace);
            }
            var chained = Subset(gen.Simulate(args, new Rng(seed + 12)).Choices, pick);
            var (vg, vd) = Both(() => gen.Update(tgc, args, chained, new Rng(seed + 13)), () => dyn.Update(tdc, args, chained, new Rng(seed + 13)));
            if (vg.Trace is not null)
            {
                SameTrace(vg.Trace, vd.Trace);
                Assert.Equal(vd.Weight, vg.Weight, Tol);
                Assert.True(ChoiceMap.Equivalent(vg.Discard, vd.Discard), $"discards differ:\n{vg.Discard}\nvs\n{vd.Discard}");
                var (wg, wd) = Both(() => gen.Update(vg.Trace, otherArgs, ChoiceMap.Empty, new Rng(seed + 14)), () => dyn.Update(vd.Trace, otherArgs, ChoiceMap.Empty, new Rng(seed + 14)));
                if (wg.Trace is not null)
                {
                    SameTrace(wg.Trace, wd.Trace);
                    Assert.Equal(wd.Weight, wg.Weight, Tol);
                }
            }
        }

        // Project.
        foreach (var s in new[] { selection, Selection.All, Selection.None })
            Assert.Equal(dyn.Project(td, s), gen.Project(tg, s), Tol);
        return true;
    }

    /// <summary>
    /// Single-site Metropolis–Hastings on both, same random streams (seeded with <paramref name="seed"/>), selecting
    /// <paramref name="latents"/> in turn: every proposal's weight, every trace and every return value agree, so the
    /// chains make the same decisions throughout (the generated side reuses densities from its own traces).
    /// </summary>
    public static void SameChain<TA, TR>(IGenerativeFunction<TA, TR> gen, IGenerativeFunction<TA, TR> dyn, TA args, string[] latents, int steps, ulong seed = 11)
    {
        var rg = new Rng(seed);
        var rd = new Rng(seed);
        var tg = gen.Simulate(args, rg);
        var td = dyn.Simulate(args, rd);
        for (var i = 0; i < steps; i++)
        {
            var sel = Selection.At(latents[i % latents.Length]);
            var (ng, wg) = gen.Regenerate(tg, args, sel, rg);
            var (nd, wd) = dyn.Regenerate(td, args, sel, rd);
            Assert.Equal(wd, wg, Tol);
            Assert.Equal(nd.Score, ng.Score, Tol);
            Assert.True(ChoiceMap.Equivalent(ng.Choices, nd.Choices));
            SameValue(nd.Return, ng.Return);
            var ug = Math.Log(rg.NextOpenDouble());
            var ud = Math.Log(rd.NextOpenDouble());
            if (ug < wg) tg = ng;
            if (ud < wd) td = nd;
        }
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
