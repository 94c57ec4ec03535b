using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// The dependency table the generator emits for update and regenerate (per static slot: the sources its
/// distribution depends on, or null for "always recompute"), and the constructs on which it gives up.
/// </summary>
public class DependencyAnalysisTests
{
    private static string Source(string body, string signature = "public static double M(double x)")
    {
        var (run, compile) = Harness.Run(Harness.Model(body, signature));
        Assert.Null(run.Exception);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        return Assert.Single(run.GeneratedSources).SourceText.ToString();
    }

    [Fact]
    public void ASiteDependsOnALatentThroughALocalAndOnTheArguments()
    {
        var src = Source("""
            var a = Sample(Normal(0, 1));
            var b = Sample(Normal(x, 1));
            var m = a * 2;
            var c = Sample(Normal(m, 1));
            return c + b;
            """);
        Assert.Contains("new int[] {  }, // a", src);
        Assert.Contains("new int[] { 3 }, // b", src); // the argument x: source slots + families = 3 + 0
        Assert.Contains("new int[] { 0 }, // c", src);
        Assert.Contains("protected override object? SnapshotArgs(double args)", src);
    }

    [Fact]
    public void UnknownCodeMakesASiteAlwaysRecomputed()
    {
        var src = Source("""
            var a = Sample(Normal(0, 1));
            var c = Sample(Normal(System.Math.Round(a) + H(a), 1));
            return c;
            """ + "\n }\n static double H(double v) { return v; ");
        Assert.Contains("null, // c", src);
    }

    [Theory]
    [InlineData("try { a = Sample(Normal(0, 1)); } finally { }")]
    [InlineData("goto done; done: a = Sample(Normal(0, 1));")]
    [InlineData("ref var r = ref a; r = Sample(Normal(0, 1));")]
    public void UnmodelledConstructsGiveNoTableButTheModelStillCompiles(string statement)
    {
        var src = Source("double a = 0;\n" + statement + "\nreturn a;");
        Assert.DoesNotContain("SiteDependencies", src);
    }
}
