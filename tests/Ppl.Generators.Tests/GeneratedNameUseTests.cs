using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// A model body that uses a name the generator itself produces (<c>SubModel</c>…) cannot be bound while
/// the generator runs, so the generator generates nothing for it; it says so with PPL0005 at the use,
/// instead of dropping the model silently (the final compilation has the name, so no compile error would).
/// </summary>
public class GeneratedNameUseTests
{
    private const string Sub = "[Model] public static double Sub(double z) { var s = Sample(Normal(z, 1)); return s; }\n";

    [Theory]
    [InlineData("var c = Call(SubModel, x, \"c\"); return c;", "SubModel")]
    [InlineData("var c = Call(C.SubModel, x, \"c\"); return c;", "SubModel")]
    [InlineData("var m = SubFunction.StaticMetadata; return x;", "SubFunction")]
    public void AUseOfAGeneratedNameInABodyIsReportedAtTheUse(string body, string name)
    {
        var src = Harness.Model(body).Replace("{\n [Model]", "{\n" + Sub + " [Model]");
        var (run, compile) = Harness.Run(src);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains($"'{name}'", d.GetMessage());
        Assert.Contains(name, src.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length));
        // Without the diagnostic nothing would tell: the final compilation has no error.
        Assert.Empty(compile.Where(x => x.Severity == DiagnosticSeverity.Error));
        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.EndsWith(".M.Model.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void TheModelIsGeneratedWhenTheFunctionComesThroughAField()
    {
        var src = Harness.Model("var c = Call(SubFn, x, \"c\"); var d = Sub(x); return c + d;")
            .Replace("{\n [Model]", "{\n" + Sub + " private static readonly IGenerativeFunction<double, double> SubFn = SubModel;\n [Model]");
        var (run, compile) = Harness.Run(src);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains(run.GeneratedSources, s => s.HintName.EndsWith(".M.Model.g.cs", StringComparison.Ordinal));
        Assert.Empty(compile.Where(x => x.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void AnOrdinaryMissingNameIsLeftToTheCompiler()
    {
        var (run, compile) = Harness.Run(Harness.Model("var c = Call(NoSuchModel, x, \"c\"); return c;"));
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains(compile, x => x.Id == "CS0103");
    }
}
