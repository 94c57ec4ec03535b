using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

public class ModelGeneratorTests
{
    private const string Regression = Harness.Usings + """
        public static partial class Regression
        {
            [Model]
            public static double[] Line(double[] xs)
            {
                var slope = Sample(Normal(0, 10));
                var intercept = Sample(Normal(0, 10));
                var ys = new double[xs.Length];
                for (var i = 0; i < xs.Length; i++) ys[i] = Sample(Normal(slope * xs[i] + intercept, 1), "y", i);
                return ys;
            }
        }
        """;

    [Fact]
    public void TheGeneratorRunsOnACompilationWithoutModels()
    {
        var (run, compile) = Harness.Run("public static class M { public static double F(double x) => x * 2; }");
        Assert.Null(run.Exception);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void GeneratedCodeCompiles()
    {
        var use = Harness.Usings + "public static class Use { public static double F() { var t = Regression.LineModel.Simulate(new[] { 1.0 }, new Rng(1)); return t.Slope + t.Y[0] + t.Score; } }";
        var (run, compile) = Harness.Run(Regression, use);
        Assert.Null(run.Exception);
        Assert.Single(run.GeneratedSources);
        Assert.Contains("__h.Sample<global::Ppl.Distributions.Normal, double>(0 /* slope */", run.GeneratedSources[0].SourceText.ToString());
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void AMisspelledAddressInTheTypedBuilderIsACompileError()
    {
        var good = Harness.Usings + "public static class Use { public static ChoiceMap F() => Regression.LineModel.Choices().Slope(1.0).Y(0, 2.0); }";
        var bad = Harness.Usings + "public static class Use { public static ChoiceMap F() => Regression.LineModel.Choices().Slpoe(1.0); }";
        Assert.Empty(Harness.Run(Regression, good).Compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        var errors = Harness.Run(Regression, bad).Compile.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var e = Assert.Single(errors);
        Assert.Equal("CS1061", e.Id);
        Assert.Contains("Slpoe", e.GetMessage());
    }

    private static List<IncrementalStepRunReason> Reasons(GeneratorRunResult result, string step) =>
        result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();

    [Fact]
    public void AnUnrelatedEditIsServedFromTheCache_TheModelTransformationDoesNotRerun()
    {
        var compilation = Harness.Compilation(Regression, "public static class Other { public static int F() => 1; }");
        var driver = Harness.Driver(track: true).RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        Assert.All(Reasons(first, ModelGenerator.TransformStep), r => Assert.Equal(IncrementalStepRunReason.New, r));
        var source = first.GeneratedSources.Single().SourceText.ToString();

        // (a) An unrelated class added to another file; (b) an unrelated class and method appended to the model's own file.
        var otherTree = compilation.SyntaxTrees.Last();
        var modelTree = compilation.SyntaxTrees.First();
        var editedOther = compilation.ReplaceSyntaxTree(otherTree, Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            "public static class Other { public static int F() => 2; }\npublic static class Added { public static int G() => 3; }", Harness.Parse, path: otherTree.FilePath));
        var editedModelFile = compilation.ReplaceSyntaxTree(modelTree, Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(
            Regression + "\npublic static class Unrelated { public static double H(double x) => x + 1; }", Harness.Parse, path: modelTree.FilePath));
        foreach (var edited in new[] { editedOther, editedModelFile })
        {
            var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
            var extract = Reasons(result, ModelGenerator.ExtractStep);
            var transform = Reasons(result, ModelGenerator.TransformStep);
            // The extraction (semantic analysis) is re-evaluated against the new compilation but yields an equal
            // ModelData; the transformation (rewrite and code generation) is then not re-run at all.
            Assert.NotEmpty(extract);
            Assert.All(extract, r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
            Assert.NotEmpty(transform);
            Assert.All(transform, r => Assert.Equal(IncrementalStepRunReason.Cached, r));
            Assert.Equal(source, result.GeneratedSources.Single().SourceText.ToString());
        }

        // Negative control: editing the model itself does re-run the transformation.
        var changed = compilation.ReplaceSyntaxTree(modelTree,
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Regression.Replace("Normal(0, 10)", "Normal(0, 5)"), Harness.Parse, path: modelTree.FilePath));
        var again = driver.RunGenerators(changed).GetRunResult().Results.Single();
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(again, ModelGenerator.TransformStep));
        Assert.Contains("Normal(0, 5)", again.GeneratedSources.Single().SourceText.ToString());
    }

    [Fact]
    public void AnEffectInALambdaFallsBackToTheDynamicTracerWithAnInformationalDiagnostic()
    {
        var src = Harness.Model("Func<double> f = () => Sample(Normal(0, 1), \"a\"); return f();");
        var (run, compile) = Harness.Run(src);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0008");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity); // a performance diagnostic: shown by an ordinary build
        Assert.Contains("lambda", d.GetMessage());
        Assert.Contains("DynamicModel", run.GeneratedSources.Single().SourceText.ToString());
        Assert.Empty(compile.Where(x => x.Severity == DiagnosticSeverity.Error));
    }
}
