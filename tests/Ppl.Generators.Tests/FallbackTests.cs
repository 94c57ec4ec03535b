using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// Models the generator cannot specialise still work, through the dynamic tracer, with the informational
/// diagnostic PPL0008 naming the construct; the same models without the construct are specialised and get
/// no PPL0008. "Work" is checked by compiling the generated code, loading it and simulating the model.
/// </summary>
public class FallbackTests
{
    /// <summary>Compiles <paramref name="source"/> with the generator, loads it and returns <c>C.MModel</c>.</summary>
    private static (GeneratorRunResult Run, IGenerativeFunction<double, double> Model) Load(string source)
    {
        var input = Harness.Compilation(source);
        var driver = Harness.Driver().RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        using var ms = new MemoryStream();
        var emitted = output.Emit(ms);
        Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        var assembly = Assembly.Load(ms.ToArray());
        var model = (IGenerativeFunction<double, double>)assembly.GetType("C")!.GetProperty("MModel")!.GetValue(null)!;
        return (driver.GetRunResult().Results.Single(), model);
    }

    [Theory]
    [InlineData("Func<double, double> f = m => Sample(Normal(m, 1), \"a\"); var b = Sample(Normal(0, 1)); return f(x) + b;", "lambda")]
    [InlineData("double F(double m) => Sample(Normal(m, 1), \"a\"); var b = Sample(Normal(0, 1)); return F(x) + b;", "local function")]
    [InlineData("var a = (from k in new[] { 0, 1 } select Sample(Normal(x, 1), \"q\", k)).Sum(); var b = Sample(Normal(0, 1)); return a + b;", "query")]
    public void AModelWithAnUnsupportedConstructRunsThroughTheDynamicTracer(string body, string construct)
    {
        var (run, model) = Load(Harness.Model(body).Replace("using System;", "using System; using System.Linq;"));
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0008");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity); // a performance diagnostic: shown by an ordinary build
        Assert.Contains(construct, d.GetMessage());
        Assert.Contains("'M'", d.GetMessage());
        Assert.True(d.Location.GetLineSpan().StartLinePosition.Line >= 3, "points into the user's method body");
        Assert.StartsWith("Ppl.DynamicModel", model.GetType().FullName);
        // It runs: every choice is traced, and the score is the sum of their log densities.
        var trace = model.Simulate(0.5, new Rng(7));
        var leaves = trace.Choices.Leaves.ToList();
        Assert.Contains(leaves, l => l.Address == new Address("b"));
        Assert.True(leaves.Count >= 2);
        var expected = leaves.Sum(l => l.Address == new Address("b") ? new Ppl.Distributions.Normal(0, 1).LogDensity((double)l.Value)
            : new Ppl.Distributions.Normal(0.5, 1).LogDensity((double)l.Value));
        Assert.Equal(expected, trace.Score, 12);
    }

    [Fact]
    public void TheSameModelWithoutTheConstructIsSpecialised()
    {
        var (run, model) = Load(Harness.Model("var a = Sample(Normal(x, 1), \"a\"); var b = Sample(Normal(0, 1)); return a + b;"));
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0008");
        Assert.DoesNotContain("DynamicModel", model.GetType().FullName);
        var trace = model.Simulate(0.5, new Rng(7));
        Assert.Equal(2, trace.Choices.Leaves.Count());
    }

    [Fact]
    public void AModelWhoseOnlyDynamicConstructIsParamGetsNoPerformanceWarning()
    {
        // Param has no other path than the dynamic tracer (a guide's trainable parameters): no PPL0008 or PPL0011 to act on.
        var (run, model) = Load(Harness.Model("var w = Param(\"w\", () => TorchSharp.torch.tensor(0.5)); var b = Sample(Normal(0, 1)); return b;"));
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0008" || x.Id == "PPL0011");
        Assert.StartsWith("Ppl.DynamicModel", model.GetType().FullName);
        // With a lambda beside it, the lambda is the reason named (one the user can act on).
        var (withLambda, _) = Load(Harness.Model("var w = Param(\"w\", () => TorchSharp.torch.tensor(0.5)); Func<double, double> f = m => Sample(Normal(m, 1), \"a\"); var b = Sample(Normal(0, 1)); return f(x) + b;"));
        Assert.Contains("lambda", Assert.Single(withLambda.Diagnostics, x => x.Id == "PPL0008").GetMessage());
    }

    [Fact]
    public void AnEffectUsedAsAMethodGroupIsAnError()
    {
        // A method group cannot be traced at all (no call to rewrite, no address): it would throw when run.
        var (run, _) = Harness.Run(Harness.Model("Func<Ppl.Distributions.IDistribution<double>, double> s = Sample; var b = Sample(Normal(0, 1)); return s(Normal(x, 1)) + b;"));
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0005");
        Assert.Contains("method group", d.GetMessage());
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0008");
    }
}
