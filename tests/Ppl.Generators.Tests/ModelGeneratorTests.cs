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

    [Fact]
    public void AnUnrelatedEditDoesNotRerunTheEmission_AndTheTransformationOutputIsUnchanged()
    {
        var compilation = Harness.Compilation(Regression, "public static class Other { public static int F() => 1; }");
        var driver = Harness.Driver(track: true).RunGenerators(compilation);
        // Edit the unrelated file only.
        var otherTree = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(otherTree,
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("public static class Other { public static int F() => 2; }", Harness.Parse, path: otherTree.FilePath));
        driver = driver.RunGenerators(edited);
        var result = driver.GetRunResult().Results.Single();
        var transform = result.TrackedSteps[ModelGenerator.TransformStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        var emit = result.TrackedSteps[ModelGenerator.EmitStep].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.NotEmpty(transform);
        // ForAttributeWithMetadataName re-evaluates the transformation against the new compilation, but its
        // output is equal (Unchanged), so the emission step downstream is not re-run (Cached).
        Assert.All(transform, r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.NotEmpty(emit);
        Assert.All(emit, r => Assert.Equal(IncrementalStepRunReason.Cached, r));

        // Editing the model itself does re-run it.
        var modelTree = edited.SyntaxTrees.First();
        var changed = edited.ReplaceSyntaxTree(modelTree,
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(Regression.Replace("Normal(0, 10)", "Normal(0, 5)"), Harness.Parse, path: modelTree.FilePath));
        var again = driver.RunGenerators(changed).GetRunResult().Results.Single();
        Assert.Contains(again.TrackedSteps[ModelGenerator.TransformStep].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void AnEffectInALambdaFallsBackToTheDynamicTracerWithAnInformationalDiagnostic()
    {
        var src = Harness.Model("Func<double> f = () => Sample(Normal(0, 1), \"a\"); return f();");
        var (run, compile) = Harness.Run(src);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0008");
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Contains("lambda", d.GetMessage());
        Assert.Contains("DynamicModel", run.GeneratedSources.Single().SourceText.ToString());
        Assert.Empty(compile.Where(x => x.Severity == DiagnosticSeverity.Error));
    }
}
