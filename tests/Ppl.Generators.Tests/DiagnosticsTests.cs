using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>Each diagnostic PPL0001… with a positive case (reported, on the user's line) and a negative case.</summary>
public class DiagnosticsTests
{
    [Theory]
    [InlineData("PPL0001", "var a = Sample(Normal(0, 1)); a = Sample(Normal(0, 1)); return a;", "double a; if (x > 0) a = Sample(Normal(0, 1)); else a = Sample(Normal(1, 1)); return a;")]
    [InlineData("PPL0002", "var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), \"y\", 0); return s;", "var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), \"y\", i); return s;")]
    [InlineData("PPL0002", "var s = 0.0; for (var i = 0; i < 3; i++) { var y = Sample(Normal(0, 1)); s += y; } return s;", "var y = Sample(Normal(0, 1)); return y;")]
    [InlineData("PPL0003", "var r = new Random(); return r.NextDouble();", "var r = Sample(Uniform(0, 1)); return r;")]
    [InlineData("PPL0003", "return Random.Shared.NextDouble() + DateTime.Now.Second;", "return x;")]
    [InlineData("PPL0004", "Sample(Normal(0, 1), \"y\"); return x;", "Observe(Normal(0, 1), x, \"y\"); return x;")]
    [InlineData("PPL0006", "var a = Sample(Normal(0, -1)); return a;", "var a = Sample(Normal(0, 1)); return a;")]
    [InlineData("PPL0006", "var b = Sample(Bernoulli(1.5)); return b ? 1 : 0;", "var b = Sample(Bernoulli(0.5)); return b ? 1 : 0;")]
    [InlineData("PPL0007", "return Sample(Normal(0, 1)) + 1;", "return Sample(Normal(0, 1), \"y\") + 1;")]
    public void ReportedOnThePositiveCaseOnly(string id, string positive, string negative)
    {
        var (run, _) = Harness.Run(Harness.Model(positive));
        var d = run.Diagnostics.First(x => x.Id == id);
        Assert.Equal("file0.cs", d.Location.GetLineSpan().Path);
        Assert.True(d.Location.GetLineSpan().StartLinePosition.Line >= 3, "points into the user's method body");
        var (clean, _) = Harness.Run(Harness.Model(negative));
        Assert.DoesNotContain(clean.Diagnostics, x => x.Id == id);
        Assert.Null(run.Exception);
    }

    [Theory]
    [InlineData("public double M(double x)", "it must be static")]
    [InlineData("public static void M(double x)", "it must return a value")]
    [InlineData("public static double M<T>(double x)", "generic")]
    [InlineData("public static double M(ref double x)", "ref")]
    public void UnsupportedSignaturesAreReported(string signature, string reason)
    {
        var (run, _) = Harness.Run(Harness.Model(signature.Contains("void") ? "return;" : "return x;", signature));
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains(reason, d.GetMessage());
        var (ok, _) = Harness.Run(Harness.Model("return x;"));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "PPL0005");
    }

    [Fact]
    public void ANonPartialClassIsReported()
    {
        var src = Harness.Usings + "public static class C { [Model] public static double M() { var a = Sample(Normal(0, 1)); return a; } }";
        var (run, _) = Harness.Run(src);
        Assert.Contains("partial", Assert.Single(run.Diagnostics, x => x.Id == "PPL0005").GetMessage());
    }

    [Theory]
    [InlineData("var __h = 1.0; var a = Sample(Normal(__h, 1)); return a;", "public static double M(double x)", "__h")]
    [InlineData("var a = Sample(Normal(0, 1)); Func<double, double> f = __t => __t + a; return f(x);", "public static double M(double x)", "__t")]
    [InlineData("var a = Sample(Normal(__bt, 1)); return a;", "public static double M(double __bt)", "__bt")]
    [InlineData("var a = Sample(Normal(0, 1)); if (x is double __v) return a + __v; return a;", "public static double M(double x)", "__v")]
    public void NamesStartingWithTwoUnderscoresAreReservedForGeneratedCode(string body, string signature, string name)
    {
        var source = Harness.Model(body, signature);
        var (run, compile) = Harness.Run(source);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains($"'{name}'", d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        // The error is the generator's, at the user's declaration; no compiler error from generated code (CS0136 and the like).
        Assert.Equal(source.IndexOf(name, StringComparison.Ordinal), d.Location.SourceSpan.Start); // the declaration comes first in each case
        Assert.Equal(name.Length, d.Location.SourceSpan.Length);
        Assert.DoesNotContain(compile, x => x.Severity == DiagnosticSeverity.Error && x.Location.SourceTree?.FilePath.EndsWith(".g.cs") == true);
        // One underscore is an ordinary name.
        var (ok, okCompile) = Harness.Run(Harness.Model(body.Replace(name, "_" + name.TrimStart('_')), signature.Replace(name, "_" + name.TrimStart('_'))));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "PPL0005");
        Assert.Empty(okCompile.Where(x => x.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("Observe(value: x, distribution: Normal(0, 1), address: \"y\"); return x;", "distribution")]
    [InlineData("var a = Sample(address: \"a\", distribution: Normal(0, 1)); return a;", "distribution")]
    public void EffectArgumentsNamedOutOfOrderAreReported(string body, string moved)
    {
        // C# evaluates arguments in the order written; the rewritten handler call passes them in parameter order.
        var (run, _) = Harness.Run(Harness.Model(body));
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains("out of order", d.GetMessage());
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.StartsWith(moved + ":", Harness.Model(body).Substring(d.Location.SourceSpan.Start));
        // Named in parameter order: fine, and the model is generated.
        var (ok, okCompile) = Harness.Run(Harness.Model("Observe(distribution: Normal(0, 1), value: x, address: \"y\"); var a = Sample(Normal(0, 1), address: \"a\"); return a;"));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "PPL0005");
        Assert.Single(ok.GeneratedSources);
        Assert.Empty(okCompile.Where(x => x.Severity == DiagnosticSeverity.Error));
    }
}
