using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.CodeAnalysis;
using Ppl.Modeling;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// The resumable form of models (SPEC M7): covered bodies are lowered to a state machine (no PPL0010) whose
/// run gives the score the generated model assesses for the same choices; bodies with a construct the
/// lowering does not cover get the informational PPL0010 naming it, and still get a replay form that runs.
/// </summary>
public class ResumableTests
{
    private const string Sub = "\n [Model] public static double Sub(double z) { var s = Sample(Normal(z, 1)); return s; }\n";

    private static (GeneratorRunResult Run, Assembly Assembly) Load(string source)
    {
        var input = Harness.Compilation(source);
        var driver = Harness.Driver().RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        using var ms = new MemoryStream();
        var emitted = output.Emit(ms);
        Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" +
            string.Join("\n", driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.SourceText.ToString())));
        return (driver.GetRunResult().Results.Single(), Assembly.Load(ms.ToArray()));
    }

    private static T Property<T>(Assembly a, string name) => (T)a.GetType("C")!.GetProperty(name)!.GetValue(null)!;

    private static string Model(string body, string signature = "public static double M(double x)", string extra = "") =>
        Harness.Model(body, signature).Replace("using System;", "using System; using System.Linq; using System.Collections.Generic;")
            .Replace("public static partial class C {", "public static partial class C {" + extra);

    [Theory]
    [InlineData("var a = Sample(Normal(0, 1)); try { Observe(Normal(a, 1), x, \"y\"); } finally { } return a;", "try statement")]
    [InlineData("var a = Sample(Normal(0, 1)); switch ((int)x) { case 1: Observe(Normal(a, 1), x, \"y\"); break; default: break; } return a;", "switch statement")]
    [InlineData("var a = Sample(Normal(0, 1)); foreach (var v in new[] { 1, 2 }) Observe(Normal(a, 1), x * v, \"y\", v); return a;", "foreach")]
    [InlineData("var s = Sub(x); Observe(Normal(s, 1), x, \"y\"); return s;", "call to another model")]
    [InlineData("var l = new List<double>(); l.Add(Sample(Normal(0, 1), \"a\")); Observe(Normal(l[0], 1), x, \"y\"); return l[0];", "mutable reference type")]
    [InlineData("var a = Sample(Normal(0, 1)); double.TryParse(\"1\", out var p); Observe(Normal(a + p, 1), x, \"y\"); return a;", "declared inside an expression")]
    [InlineData("var a = Sample(Normal(0, 1)); double F(double q) => q * 2; Observe(Normal(F(a), 1), x, \"y\"); return a;", "local function")]
    public void AConstructTheLoweringDoesNotCover_GetsPpl0010_AndSmcReplaysIt(string body, string construct)
    {
        var (run, assembly) = Load(Model(body, extra: Sub));
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0010");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity); // a performance diagnostic: shown by an ordinary build
        Assert.Contains(construct, d.GetMessage());
        Assert.Contains("'M'", d.GetMessage());
        Assert.True(d.Location.GetLineSpan().StartLinePosition.Line >= 3, "points into the user's method body");
        var resumable = Property<ResumableModel<double, double>>(assembly, "MResumable");
        Assert.False(resumable.IsResumable);
        Assert.Contains(construct, resumable.FallbackReason);
        // The replay form runs and scores like the generated model.
        var trace = resumable.Replay.Simulate(1.0, new Rng(3));
        Assert.Equal(resumable.Function.Assess(1.0, trace.Choices).Weight, trace.Score, 12);
    }

    /// <summary>
    /// Where the lowering cannot place a pause right after a Sample (it is not the one effect of a statement of its own),
    /// the model is still lowered with pauses at Observe/Factor, with no diagnostic, and says why it takes no observations.
    /// </summary>
    [Theory]
    [InlineData("var a = 0.0; while (Sample(Bernoulli(0.5), \"c\", (int)a) && a < 3) a++; Observe(Normal(a, 1), x, \"y\"); return a;", "WhileStatement")]
    [InlineData("var a = Sample(Normal(0, 1), \"a\") + Sample(Normal(0, 1), \"b\"); Observe(Normal(a, 1), x, \"y\"); return a;", "another effect")]
    [InlineData("Observe(Normal(Sample(Normal(0, 1), \"a\"), 1), x, \"y\"); return x;", "another effect")]
    [InlineData("var a = Sample(Normal(0, 1), \"a\"); if (Sample(Bernoulli(0.5), \"c\")) a += 1; Observe(Normal(a, 1), x, \"y\"); return a;", "IfStatement")]
    [InlineData("var a = 0.0; foreach (var v in new[] { 1, 2 }) a += Sample(Normal(0, 1), \"a\", v); Observe(Normal(a, 1), x, \"y\"); return a;", "foreach loop that holds a Sample")]
    [InlineData("var a = 0.0; for (var i = 0; i < (int)Sample(Poisson(2), \"n\"); i++) a += 1; Observe(Normal(a, 1), x, \"y\"); return a;", "ForStatement")]
    public void ASampleTheLoweringCannotFollowByAPause_TakesNoObservations_ButStillLowers(string body, string why)
    {
        var (run, assembly) = Load(Model(body));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "PPL0010");
        var r = Property<ResumableModel<double, double>>(assembly, "MResumable");
        Assert.True(r.IsResumable);
        Assert.False(r.TakesObservations);
        Assert.Contains(why, r.ObservationsFallbackReason);
        Assert.Throws<NotSupportedException>(() => r.Start(1.0, ChoiceMap.Empty.Set("y", 1.0)));
        var e = r.Start(1.0, ChoiceMap.Empty); // no observations: the state machine as before
        while (!e.Finished) e.Advance(new Rng(2));
        Assert.Equal(r.Function.Assess(1.0, e.Choices).Weight, e.Score, 12);
    }

    [Fact]
    public void TheCoveredConstructsPauseAfterEveryObservedSample()
    {
        var (run, assembly) = Load(Model(Covered, extra: "\n static double Score(double v) => 0.01 * v * v;\n"));
        var source = run.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("if (__h.PauseAfterSample()) { State = ", source);
        var r = Property<ResumableModel<double, double>>(assembly, "MResumable");
        Assert.True(r.TakesObservations);
        Assert.Null(r.ObservationsFallbackReason);
        // The start, a jump and a level observed; the given values are returned (the level path follows them).
        var observations = ChoiceMap.Empty.Set("start", 0.4).Set(new Address("jump", 1), true).Set(new Address("level", 1), -0.3);
        for (var seed = 1; seed <= 10; seed++)
        {
            var e = r.Start(0.7, observations);
            var rng = new Rng(seed);
            var pauses = 0;
            while (!e.Finished)
            {
                e.Advance(rng);
                pauses++;
            }
            // One pause per Observe/Factor and per observed Sample (counted among the scored points), then the end.
            Assert.Equal(e.ScorePoints + 1, pauses);
            Assert.Equal(3, e.ObservationsVisited);
            Assert.False(e.Choices.Contains("start"));
            var (weight, ret) = r.Function.Assess(0.7, e.Choices.Merge(observations));
            Assert.Equal(weight, e.Score, 10);
            Assert.Equal(ret, e.Return);
        }
        // A given value the run never visits is an error at the end, naming the closest address.
        var bad = r.Start(0.7, ChoiceMap.Empty.Set("strat", 0.4));
        var error = Assert.Throws<UnvisitedConstraintsException>(() => { while (!bad.Finished) bad.Advance(new Rng(1)); });
        Assert.Contains("'start'", error.Message);
    }

    [Fact]
    public void WritingIntoAnArgumentArrayIsNotLowered()
    {
        var (run, _) = Load(Model("xs[0] = Sample(Normal(0, 1), \"a\"); Observe(Normal(xs[0], 1), 1.0, \"y\"); return xs[0];", "public static double M(double[] xs)"));
        Assert.Contains("argument array 'xs'", Assert.Single(run.Diagnostics, x => x.Id == "PPL0010").GetMessage());
    }

    private const string Covered = """
        var level = Sample(Normal(0, 1), "start");
        var path = new double[4];
        var t = 0;
        while (t < 4)
        {
            var jump = Sample(Bernoulli(0.3), "jump", t);
            if (jump) { level = Sample(Normal(level, 2), "level", t); Factor(-0.5); }
            else if (t == 2) { level += 1; }
            else level = Sample(Normal(level, 0.5), "level", t);
            path[t] = level;
            for (var k = 0; k < 3; k++)
            {
                if (k == 2) break;
                if (k == 1 && t % 2 == 0) continue;
                for (var j = 0; j < 2; j++) Observe(Normal(path[t] + k + j, 1), x, "y", 6 * t + 2 * k + j);
            }
            var w = t switch { int q when q > 2 => q, _ => 0 };
            Factor(-0.01 * w);
            t++;
        }
        var total = 0.0;
        do { total += path[--t]; Factor(-Score(total)); } while (t > 0);
        var (a, b) = (total, level);
        return a + b;
        """;

    [Fact]
    public void CoveredConstructsAreLowered_AndTheStateMachineScoresAsTheModelAssesses()
    {
        // The class's own helper is named like a member of the state machine's base class (Score): it must still bind.
        var (run, assembly) = Load(Model(Covered, extra: "\n static double Score(double v) => 0.01 * v * v;\n"));
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0010" || x.Id == "PPL0008");
        var source = run.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("class __MResumable : global::Ppl.Modeling.ResumableExecution<double>", source);
        Assert.Contains("State = 1; return false;", source);
        Assert.Contains("CopyArray(", source); // the written array is copied by clones
        var resumable = Property<ResumableModel<double, double>>(assembly, "MResumable");
        Assert.True(resumable.IsResumable);
        for (var seed = 1; seed <= 20; seed++)
        {
            var e = resumable.Start(0.7);
            var rng = new Rng(seed);
            var increments = 0.0;
            var pauses = 0;
            while (!e.Finished)
            {
                increments += e.Advance(rng);
                pauses++;
            }
            var (weight, ret) = resumable.Function.Assess(0.7, e.Choices);
            Assert.Equal(weight, e.Score, 10);
            Assert.Equal(ret, e.Return);
            // One pause per Observe/Factor, then the run to the end.
            Assert.Equal(e.ScorePoints + 1, pauses);
            // The increments are exactly the observations and factors (Project on no choices).
            var trace = resumable.Function.Generate(0.7, e.Choices, new Rng(0)).Trace;
            Assert.Equal(resumable.Function.Project(trace, Selection.None), increments, 10);
        }
    }

    [Fact]
    public void TupleElementsKeepTheNamesCSharpInfersAndNoOthers()
    {
        // (a, a) infers no names (they would clash): the lowered code must not write `a:` twice. (b, c) infers b and c,
        // which the body then uses.
        var body = "var a = Sample(Normal(0, 1)); Observe(Normal(a, 1), x, \"y\"); var b = a * 2; var c = 1.0; var t = (b, c); var Rest = 0.5; var u = (Rest, b); " +
                   "if (x > 0) return (a, a); return (t.b + t.c + u.Item1, a);";
        var (run, assembly) = Load(Harness.Model(body, "public static (double, double) M(double x)"));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "PPL0010");
        var r = (ResumableModel<double, (double, double)>)assembly.GetType("C")!.GetProperty("MResumable")!.GetValue(null)!;
        var e = r.Start(-1.0);
        while (!e.Finished) e.Advance(new Rng(1));
        Assert.Equal(r.Function.Assess(-1.0, e.Choices).Weight, e.Score, 12);
    }

    [Fact]
    public void ADeconstructionIntoHoistedLocalsNamesNoElements()
    {
        // (k, _) = … and ((k, m), _) = … assign the state machine's fields; `k:` on the left would not compile (CS8187).
        var body = "var k = 0; var m = 0.0; var a = Sample(Normal(0, 1)); (k, _) = (1, 2); ((k, m), _) = ((k + 1, a), 3); " +
                   "Observe(Normal(a + k + m, 1), x, \"y\"); return a;";
        var (run, assembly) = Load(Harness.Model(body));
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == "PPL0010");
        var r = (ResumableModel<double, double>)assembly.GetType("C")!.GetProperty("MResumable")!.GetValue(null)!;
        var e = r.Start(0.5);
        while (!e.Finished) e.Advance(new Rng(1));
        Assert.Equal(r.Function.Assess(0.5, e.Choices).Weight, e.Score, 12);
    }

    [Fact]
    public void AnExpressionBodiedModelAndAModelWithoutObservationsAreLowered()
    {
        var (run, assembly) = Load(Harness.Model("var a = Sample(Normal(x, 1)); return a;") .Replace("public static partial class C {",
            "public static partial class C {\n [Model] public static double E(double x) => Sample(Normal(x, 1), \"e\") * 2;\n"));
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0010");
        foreach (var name in new[] { "MResumable", "EResumable" })
        {
            var r = Property<ResumableModel<double, double>>(assembly, name);
            var e = r.Start(1.0);
            Assert.Equal(0, e.Advance(new Rng(1)));
            Assert.True(e.Finished);
            Assert.Equal(r.Function.Assess(1.0, e.Choices).Weight, e.Score, 12);
        }
        // An expression body has no statement after its Sample to pause at: it takes no observations.
        Assert.True(Property<ResumableModel<double, double>>(assembly, "MResumable").TakesObservations);
        Assert.Contains("expression-bodied", Property<ResumableModel<double, double>>(assembly, "EResumable").ObservationsFallbackReason);
    }

    /// <summary>
    /// Random well-formed models (the fuzz grammar: loops, stochastic whiles with break, branches, switch
    /// expressions, tensor choices, observations, factors, calls): every model the generator lowers runs to its
    /// end through its pauses with the score and return value that the generated model assesses for its choices.
    /// </summary>
    [Property(MaxTest = 5)]
    public Property RandomLoweredModelsScoreAsTheGeneratedModelAssesses(int[] picks)
    {
        const int models = 3;
        var src = FuzzModels.Class(picks ?? Array.Empty<int>(), models);
        var input = Harness.Compilation(src);
        Harness.Driver().RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        using var ms = new MemoryStream();
        if (!output.Emit(ms).Success) return false.ToProperty().Label("does not compile\n" + src);
        var type = Assembly.Load(ms.ToArray()).GetType("F")!;
        var ok = true;
        var lowered = 0;
        var observed = 0;
        var bodies = src.Split("[Model] public static double M").Skip(1).ToList();
        for (var m = 0; m < models; m++)
        {
            // This test project has no native libtorch: tensor models are run by the fuzz tests' compile check only.
            if (bodies[m].Contains("torch.", StringComparison.Ordinal)) continue;
            var r = (ResumableModel<(double, int), double>)type.GetProperty($"M{m}Resumable")!.GetValue(null)!;
            if (!r.IsResumable) continue;
            lowered++;
            for (var seed = 0; seed < 3; seed++)
            {
                var args = (0.3 * seed - 0.2, seed + 1);
                var e = r.Start(args);
                var rng = new Rng(seed);
                while (!e.Finished) e.Advance(rng);
                var (w, ret) = r.Function.Assess(args, e.Choices);
                ok &= Math.Abs(w - e.Score) <= 1e-9 * (1 + Math.Abs(w)) && ret.Equals(e.Return);
                if (!r.TakesObservations) continue;
                // Every other choice of that run given as an observation: each is scored (not a choice) and is a pause of
                // its own, so every advance passes exactly one scored point until the run ends (a missing pause would pass
                // two), and the score is what the model assesses for the choices and the observations together.
                var observations = ChoiceMap.Empty;
                var i = 0;
                foreach (var (a, v) in e.Choices.Leaves)
                    if (i++ % 2 == 0) observations = observations.Set(a, v);
                var o = r.Start(args, observations);
                var rng2 = new Rng(seed + 100);
                try
                {
                    while (!o.Finished)
                    {
                        var before = o.ScorePoints;
                        o.Advance(rng2);
                        ok &= o.ScorePoints - before == (o.Finished ? 0 : 1);
                    }
                }
                catch (UnvisitedConstraintsException)
                {
                    // The fresh draws took another path that does not reach every observed address: nothing to compare.
                    continue;
                }
                observed++;
                var (wo, reto) = r.Function.Assess(args, o.Choices.Merge(observations));
                ok &= Math.Abs(wo - o.Score) <= 1e-9 * (1 + Math.Abs(wo)) && reto.Equals(o.Return) && o.ObservationsVisited == observations.Leaves.Count();
            }
        }
        return ok.ToProperty().Label(src).Collect($"lowered {lowered} of {models}, {observed} observed runs");
    }
}
