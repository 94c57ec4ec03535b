using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// Which bodies get the straight-line forms of assess and regenerate: static double sites of Ppl's scalar
/// distributions as top-level statements, one return at the end; everything else keeps the handler body alone.
/// Each case must still compile (the straight-line code included).
/// </summary>
public class StraightLineLoweringTests
{
    private static bool Straight(string body, string signature = "public static double M(double x)")
    {
        var (run, compile) = Harness.Run(Harness.Model(body, signature));
        Assert.Null(run.Exception);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var text = Assert.Single(run.GeneratedSources).SourceText.ToString();
        var has = text.Contains("__MAssessStraight(");
        Assert.Equal(has, text.Contains("__MRegenerateStraight("));
        return has;
    }

    [Fact]
    public void StaticDoubleSitesAsTopLevelStatementsAreStraightLine()
    {
        Assert.True(Straight("var a = Sample(Normal(0, 1)); Observe(Normal(a, 1), x, \"y\"); return a;"));
        // Deterministic statements, an explicit type, a loop and a lambda without sites, data from the arguments.
        Assert.True(Straight("double a = Sample(HalfNormal(1)); var s = a * 2; var t = 0.0; for (var i = 0; i < 3; i++) t += i; " +
                             "Func<double, double> f = v => v + s; var b = Sample(Normal(f(t), s)); Observe(Normal(b, 1), x, \"y\"); return a + b;"));
        // Int and bool choices and observations (stored as doubles with their own tags).
        Assert.True(Straight("var k = Sample(Poisson(2)); var f = Sample(Bernoulli(0.5)); Observe(Poisson(k + 1.0), 3, \"n\"); Observe(Bernoulli(f ? 0.9 : 0.1), true, \"b\"); return f ? k : x;"));
        // A site's value converted on declaration.
        Assert.True(Straight("object a = Sample(Normal(0, 1)); return (double)a;"));
    }

    [Theory]
    [InlineData("var a = Sample(Normal(0, 1)); if (a > 0) { var b = Sample(Normal(a, 1)); return b; } return a;")]                 // a site under an if
    [InlineData("var t = 0.0; for (var i = 0; i < 3; i++) t += Sample(Normal(0, 1), \"z\", i); return t;")]                      // a family in a loop
    [InlineData("var p = Sample(Dirichlet(new[] { 1.0, 2.0 })); return p[0];")]                                                   // a vector choice
    [InlineData("var a = 1 + Sample(Normal(0, 1), \"a\"); return a;")]                                                                    // a site inside an expression
    [InlineData("var a = Sample(Normal(0, 1)); Factor(-a * a); return a;")]                                                       // a factor
    [InlineData("var a = Sample(Normal(Sample(Normal(0, 1), \"m\"), 1)); return a;")]                                            // a site in a site's arguments
    [InlineData("var a = Sample(Normal(0, 1)); if (a > 5) return 0; return a;")]                                                   // an early return
    [InlineData("var a = Sample(Normal(0, 1)); var b = Sample(Normal(a, 1), \"a\"); return b;")]                                   // a slot used twice
    [InlineData("var a = Sample(Normal(0, 1)); double G(double v) => v * a; return G(2);")]                                        // a local function
    // Site arguments that write or declare a variable: a kept site's arguments are not evaluated in the straight-line
    // regenerate (the write would be skipped), and a declared variable would be out of scope after the site.
    [InlineData("var k = 0; var a = Sample(Normal(k++, 1)); var b = Sample(Normal(k, 1)); return a + b + k;")]
    [InlineData("var k = 0.0; Observe(Normal(0, 1), k += 1, \"y\"); return k;")]
    [InlineData("var k = 0.0; var a = Sample(Normal(k = 2, 1)); return a + k;")]
    [InlineData("var a = Sample(Normal(Math.DivRem(7, 2, out var r), 1)); return a + r;")]
    [InlineData("var r = 0; var a = Sample(Normal(Math.DivRem(7, 2, out r), 1)); return a + r;")]
    [InlineData("var a = Sample(Normal(x is double m ? m : 0, 1)); return a + m;")]
    [InlineData("Observe(Normal(0, 1), x is double v ? v : 0, \"y\"); var a = Sample(Normal(v, 1)); return a + v;")]
    public void OtherBodiesKeepTheHandlerBodyOnly(string body) => Assert.False(Straight(body));

    [Theory]
    [InlineData("__values")]
    [InlineData("__rng")]
    [InlineData("__argsChanged")]
    [InlineData("__f")]
    public void AParameterNamedLikeTheGeneratedCodesOwnIsReported(string name)
    {
        // Declared names starting with "__" are reserved (PPL0005, see DiagnosticsTests); no generated code at all.
        var (run, _) = Harness.Run(Harness.Model("var a = Sample(Normal(0, 1)); return a + " + name + ";", "public static double M(double " + name + ")"));
        Assert.Contains($"'{name}'", Assert.Single(run.Diagnostics, d => d.Id == "PPL0005").GetMessage());
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void AFieldNamedLikeAGeneratedLocalKeepsTheHandlerBodyOnly()
    {
        // A use, not a declaration (so no PPL0005): in the straight-line methods the generated local of that name would
        // silently shadow the field, so the model keeps its handler body, where the name is free.
        var source = Harness.Usings + "public static partial class C {\n public static double __sc = 3;\n" +
                     " [Model] public static double M(double x)\n {\n var a = Sample(Normal(__sc, 1));\n return a;\n }\n}\n";
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var text = Assert.Single(run.GeneratedSources).SourceText.ToString();
        Assert.DoesNotContain("__MAssessStraight(", text);
        Assert.Contains("__MBody<TH>", text);
    }

    [Fact]
    public void SitesReadingStaticStateOrCallingHelpersAreAlwaysRecomputed()
    {
        // The dependency analysis marks a site that reads a mutable static field or calls a method it cannot see as
        // "always recompute": the straight-line regenerate must test `true` there, and the changed flag of a elsewhere.
        var source = Harness.Usings + "public static partial class C {\n public static double Offset = 1;\n static double Shift(double v) => v + Offset;\n" +
                     " [Model] public static double M(double x)\n {\n var a = Sample(Normal(0, 1));\n var b = Sample(Normal(Offset, 1));\n" +
                     " var c = Sample(Normal(Shift(a), 1));\n var d = Sample(Normal(a, 1));\n return a + b + c + d;\n }\n}\n";
        var (run, compile) = Harness.Run(source);
        Assert.Null(run.Exception);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var text = Assert.Single(run.GeneratedSources).SourceText.ToString();
        var regenerate = text.Substring(text.IndexOf("__MRegenerateStraight(", StringComparison.Ordinal));
        string Condition(string site)
        {
            var at = regenerate.IndexOf("// " + site + "\n", StringComparison.Ordinal);
            var start = regenerate.IndexOf("else", at, StringComparison.Ordinal);
            var cond = regenerate.IndexOf("if (", start, StringComparison.Ordinal);
            return regenerate.Substring(cond, regenerate.IndexOf(" __l = ", cond, StringComparison.Ordinal) - cond).Trim(); // `if (…) __l = …;`
        }
        Assert.Equal("if (true)", Condition("b"));
        Assert.Equal("if (true)", Condition("c"));
        Assert.EndsWith("|| __c0)", Condition("d"));
    }

    [Fact]
    public void TheUsersPragmasInThePastedCodeLeaveNoWarningInTheGeneratedCode()
    {
        // The generated file disables warnings; a `#pragma warning restore` copied with the body re-enabled CS0219 for
        // the straight-line (and batched) code after it, where the statement is pasted without its pragmas: a warning,
        // so an error in builds that treat warnings as errors, about code the user already silenced.
        var body = "var a = Sample(Normal(0, 1));\n#pragma warning disable CS0219\nvar unusedLocal = 5;\n#pragma warning restore CS0219\nreturn a;";
        var (run, compile) = Harness.Run(Harness.Model(body));
        Assert.Null(run.Exception);
        Assert.Contains("__MAssessStraight(", Assert.Single(run.GeneratedSources).SourceText.ToString());
        Assert.Empty(compile.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void ADirectiveInsideACopiedSpanKeepsTheHandlerBodyOnly()
    {
        // The straight-line code copies site arguments and statements by their spans: an #if opened inside one and
        // closed outside it would be unbalanced there. (Only the absence of the form is checked here: the resumable
        // and batched forms of this body have the same problem, reported separately.)
        var body = "var a = Sample(Normal(\n#if !NEVER\n0, 1));\n#else\n0, 2));\n#endif\nreturn a;";
        var (run, _) = Harness.Run(Harness.Model(body));
        Assert.Null(run.Exception);
        Assert.DoesNotContain("AssessStraight", Assert.Single(run.GeneratedSources).SourceText.ToString());
        // Directives between statements are no obstacle.
        Assert.True(Straight("var a = Sample(Normal(0, 1));\n#if NEVER\nvar b = 2.0;\n#endif\nreturn a;"));
    }

    [Fact]
    public void ExpressionBodiedModelsKeepTheHandlerBodyOnly()
    {
        var (run, _) = Harness.Run(Harness.Usings + "public static partial class C { [Model] public static double M(double x) => Sample(Normal(x, 1), \"a\"); }");
        Assert.DoesNotContain("AssessStraight", Assert.Single(run.GeneratedSources).SourceText.ToString());
    }
}
