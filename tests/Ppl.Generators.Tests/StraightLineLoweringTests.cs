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
        // A site's value converted on declaration.
        Assert.True(Straight("object a = Sample(Normal(0, 1)); return (double)a;"));
    }

    [Theory]
    [InlineData("var a = Sample(Normal(0, 1)); if (a > 0) { var b = Sample(Normal(a, 1)); return b; } return a;")]                 // a site under an if
    [InlineData("var t = 0.0; for (var i = 0; i < 3; i++) t += Sample(Normal(0, 1), \"z\", i); return t;")]                      // a family in a loop
    [InlineData("var k = Sample(Poisson(2)); return k;")]                                                                          // an int choice
    [InlineData("var f = Sample(Bernoulli(0.5)); return f ? 1 : 0;")]                                                              // a bool choice
    [InlineData("var a = 1 + Sample(Normal(0, 1), \"a\"); return a;")]                                                                    // a site inside an expression
    [InlineData("var a = Sample(Normal(0, 1)); Factor(-a * a); return a;")]                                                       // a factor
    [InlineData("var a = Sample(Normal(Sample(Normal(0, 1), \"m\"), 1)); return a;")]                                            // a site in a site's arguments
    [InlineData("var a = Sample(Normal(0, 1)); if (a > 5) return 0; return a;")]                                                   // an early return
    [InlineData("var a = Sample(Normal(0, 1)); var b = Sample(Normal(a, 1), \"a\"); return b;")]                                   // a slot used twice
    [InlineData("var a = Sample(Normal(0, 1)); double G(double v) => v * a; return G(2);")]                                        // a local function
    public void OtherBodiesKeepTheHandlerBodyOnly(string body) => Assert.False(Straight(body));

    [Fact]
    public void ExpressionBodiedModelsKeepTheHandlerBodyOnly()
    {
        var (run, _) = Harness.Run(Harness.Usings + "public static partial class C { [Model] public static double M(double x) => Sample(Normal(x, 1), \"a\"); }");
        Assert.DoesNotContain("AssessStraight", Assert.Single(run.GeneratedSources).SourceText.ToString());
    }
}
