using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Ppl.Inference.Mcmc;
using Ppl.Modeling;
using Xunit;
using Ppl.Tests.Shared;

namespace Ppl.Generators.Tests;

/// <summary>
/// The generator never crashes the compiler and never breaks a program that compiles:
/// <list type="bullet">
/// <item>method bodies assembled at random from valid, odd and broken fragments (unbalanced braces,
/// missing semicolons, effects in lambdas, iterators, wrong arguments…);</item>
/// <item>random well-formed model classes from a grammar (<see cref="FuzzModels"/>);</item>
/// <item>those classes with random token-level damage (deleted, duplicated, swapped or stray tokens).</item>
/// <item>random differentiable models (<see cref="FuzzModels.DifferentiableClass"/>), which must also get their
/// differentiable form, with the log density and gradient that <c>Assess</c> and finite differences give.</item>
/// </list>
/// In every case the run has no generator exception and no internal-failure diagnostic PPL0009; a model
/// for which nothing is generated is explained by a diagnostic (a compile error in the user's code or an
/// error from the generator); and when the user's code compiles, the code the generator adds compiles too.
/// </summary>
public class FuzzTests
{
    private static readonly string[] Fragments =
    {
        "var a = Sample(Normal(0, 1));", "var b = Sample(Bernoulli(0.5), \"b\");", "x = Sample(Gamma(1, 1));",
        "for (var i = 0; i < 3; i++) { var y = Sample(Normal(i, 1), \"y\", i); }", "Observe(Normal(x, 1), 2.0, \"o\");",
        "Factor(-1);", "if (x > 0) { x += Sample(Normal(0, 1), \"p\"); } else {", "}", "{", "return x;", "return;",
        "Sample(Normal(0, 1));", "var c = Sample();", "var d = Sample(Normal(0, 1), 3, 4, 5, 6);", "Func<double> f = () => Sample(Normal(0, 1), \"l\");",
        "yield return 1;", "var e = M(x);", "var g = Call(null!, 1);", "Sample(Normal(0, 1), \"a\" + x);", "var h = Sample(Normal(0, 1), new Address(\"q\"));",
        "while (true) { break; }", "x = (Sample(Normal(0, 1)));", "var _ = Sample(Normal(0, 1));", "goto L; L:", ";;", "var z = new Random().NextDouble();",
        "Sample(Normal(0, -1), \"neg\");", "int k = Sample(Poisson(2), \"k\", null);", "var s = Sample(Normal(0, 1), \"a/b\");", "@", "#if X", "=>", "Param(\"w\", null!);",
    };

    private static readonly string[] StrayTokens = { "{", "}", ";", "(", ")", ",", "Sample", "=>", "yield", "return", "\"", "@", "#", "[Model]", "static", "var", "if", "0", "x" };

    private sealed record Outcome(GeneratorRunResult Run, Compilation Input, Compilation Output);

    private static Outcome Generate(string source, IIncrementalGenerator? generator = null)
    {
        var input = Harness.Compilation(source);
        var driver = generator is null
            ? Harness.Driver()
            : CSharpGeneratorDriver.Create(new[] { generator.AsSourceGenerator() }, parseOptions: Harness.Parse);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out var output, out _);
        return new Outcome(driver.GetRunResult().Results.Single(), input, output);
    }

    private static Property Labelled(bool ok, string label) => ok.ToProperty().Label(label);

    private static bool HasErrors(IEnumerable<Diagnostic> ds) => ds.Any(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The properties every input must have; <paramref name="models"/> is the number of [Model] methods in it.</summary>
    private static Property Sound(Outcome o, int models, string source)
    {
        // Errors are judged in the final compilation: a body may use names that only the generated code declares.
        var errors = o.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var userErrors = errors.Any(d => o.Input.SyntaxTrees.Contains(d.Location.SourceTree));
        var outputErrors = errors.Where(d => !o.Input.SyntaxTrees.Contains(d.Location.SourceTree)).ToList();
        var generatorErrors = HasErrors(o.Run.Diagnostics);
        var explained = o.Run.GeneratedSources.Length >= models || userErrors || generatorErrors;
        return Labelled(o.Run.Exception is null, $"generator exception: {o.Run.Exception}")
            .And(Labelled(o.Run.Diagnostics.All(d => d.Id != "PPL0009"), $"PPL0009: {string.Join("; ", o.Run.Diagnostics)}"))
            .And(Labelled(explained, $"a model got no code and no diagnostic says why:\n{source}"))
            .And(Labelled(userErrors || outputErrors.Count == 0, $"the generated code does not compile: {string.Join("; ", outputErrors.Take(3))}\n{source}"));
    }

    [Property(MaxTest = 80)]
    public Property RandomBodiesGiveDiagnosticsNotCrashes(int[] picks, bool expressionBodied)
    {
        var body = string.Join("\n", (picks ?? Array.Empty<int>()).Take(12).Select(p => Fragments[(int)((uint)p % Fragments.Length)]));
        var src = expressionBodied
            ? Harness.Usings + "public static partial class C { [Model] public static double M(double x) => " + body + "; }"
            : Harness.Model(body);
        return Sound(Generate(src), 1, src);
    }

    [Property(MaxTest = 15)]
    public Property RandomWellFormedModelsCompileWithTheirGeneratedCode(int[] picks)
    {
        const int models = 3;
        var src = FuzzModels.Class(picks ?? Array.Empty<int>(), models);
        var o = Generate(src);
        var errors = o.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        // Models with an effect in a lambda fall back to the dynamic tracer, with PPL0008 naming the construct.
        var methods = src.Split("[Model] public static double M").Skip(1).ToList();
        var fallbacks = o.Run.Diagnostics.Where(d => d.Id == "PPL0008").ToList();
        var expectedFallbacks = methods.Select((m, i) => (m, i)).Where(t => t.m.Contains("Func<double>", StringComparison.Ordinal)).Select(t => "M" + t.i).ToList();
        // Straight-line models get the straight-line forms of assess and regenerate (and the code compiles, below).
        var straight = methods.Select((m, i) => (m, i)).Where(t => t.m.Contains(FuzzModels.StraightMark, StringComparison.Ordinal)).Select(t => t.i).ToList();
        var texts = o.Run.GeneratedSources.Select(s => s.SourceText.ToString()).ToList();
        var missing = straight.Where(i => !texts.Any(t => t.Contains($"__M{i}AssessStraight(", StringComparison.Ordinal))).ToList();
        return Labelled(errors.Count == 0, $"the models and their generated code do not compile: {string.Join("; ", errors.Take(3))}\n{src}")
            .And(Labelled(!HasErrors(o.Run.Diagnostics), $"the generator rejected a well-formed model: {string.Join("; ", o.Run.Diagnostics)}\n{src}"))
            .And(Labelled(o.Run.GeneratedSources.Length == models + 1, $"{o.Run.GeneratedSources.Length} sources for {models + 1} models"))
            .And(Labelled(missing.Count == 0, $"straight-line models without the straight-line forms: {string.Join(", ", missing.Select(i => "M" + i))}\n{src}"))
            .And(Labelled(expectedFallbacks.Count == fallbacks.Count && expectedFallbacks.All(m => fallbacks.Any(d =>
                    d.GetMessage().Contains($"'{m}'", StringComparison.Ordinal) && d.GetMessage().Contains("lambda", StringComparison.Ordinal))),
                $"fallbacks: expected {string.Join(", ", expectedFallbacks)}, got {string.Join("; ", fallbacks)}"))
            .And(Sound(o, models + 1, src));
    }

    [Property(MaxTest = 30)]
    public Property DamagedModelsGiveDiagnosticsNotCrashes(int[] picks, int[] damage)
    {
        var src = FuzzModels.Class(picks ?? Array.Empty<int>(), 1);
        var tokens = CSharpSyntaxTree.ParseText(src, Harness.Parse).GetRoot().DescendantTokens().Select(t => t.ToFullString()).ToList();
        // Damage only the models' bodies, after the usings and the helper model.
        var start = tokens.FindIndex(t => t.Contains("M0", StringComparison.Ordinal));
        var d = damage ?? Array.Empty<int>();
        for (var k = 0; k + 2 < d.Length && k < 9; k += 3)
        {
            var at = start + (int)((uint)d[k + 1] % (uint)(tokens.Count - start));
            switch ((uint)d[k] % 4)
            {
                case 0: tokens.RemoveAt(at); break;
                case 1: tokens.Insert(at, tokens[at]); break;
                case 2 when at + 1 < tokens.Count: (tokens[at], tokens[at + 1]) = (tokens[at + 1], tokens[at]); break;
                default: tokens.Insert(at, " " + StrayTokens[(uint)d[k + 2] % StrayTokens.Length] + " "); break;
            }
        }
        var damaged = string.Concat(tokens);
        return Sound(Generate(damaged), 2, damaged);
    }

    /// <summary>
    /// Random differentiable models (continuous choices whose parameters and bounds depend on earlier choices, loops
    /// over data with observations, branches on data and on random values): each gets its differentiable form (no
    /// PPL0012, the form in the generated code, which compiles), and at random unconstrained points of random data
    /// that form's log density is <c>Assess</c> of the constrained values plus log |det ∂x/∂u|, and its gradient the
    /// central finite difference of its value (<see cref="DifferentiableFormCheck.Mismatch"/>).
    /// </summary>
    [Property(MaxTest = 20)]
    public Property RandomDifferentiableModelsGetTheirFormAndItMatchesAssess(int[] picks)
    {
        const int models = 2;
        var src = FuzzModels.DifferentiableClass(picks ?? Array.Empty<int>(), models);
        var o = Generate(src);
        var noForm = o.Run.Diagnostics.Where(d => d.Id == "PPL0012").ToList();
        var text = string.Concat(o.Run.GeneratedSources.Select(s => s.SourceText.ToString()));
        var missing = Enumerable.Range(0, models).Where(m => !text.Contains($"__D{m}DifferentiableCall(", StringComparison.Ordinal)).ToList();
        // Emitting compiles everything once (the models and the generated code): its errors are the compile errors.
        using var ms = new MemoryStream();
        var emitted = o.Output.Emit(ms);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var generated = Labelled(o.Run.Exception is null && emitted.Success, $"does not compile: {o.Run.Exception} {string.Join("; ", errors.Take(3))}\n{src}")
            .And(Labelled(noForm.Count == 0, $"PPL0012: {string.Join("; ", noForm.Select(d => d.GetMessage()))}\n{src}"))
            .And(Labelled(missing.Count == 0, $"no differentiable form in the generated code for {string.Join(", ", missing.Select(m => "D" + m))}\n{src}"));
        if (!emitted.Success || noForm.Count > 0 || missing.Count > 0) return generated;
        var type = Assembly.Load(ms.ToArray()).GetType("G")!;
        // Data and points from a stream seeded by the picks, so a case is reproducible from its source.
        var rng = new Rng((ulong)(picks ?? Array.Empty<int>()).Aggregate(17L, (h, p) => h * 31 + p));
        var failures = new List<string>();
        var coordinates = 0;
        for (var m = 0; m < models; m++)
        {
            var model = (IGenerativeFunction<(double[], double), double>)type.GetProperty($"D{m}Model")!.GetValue(null)!;
            if (((IHasDifferentiableForm<(double[], double)>)model).DifferentiableForm is null)
            {
                failures.Add($"D{m}: DifferentiableForm is null");
                continue;
            }
            var data = Enumerable.Range(0, rng.Next(4)).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
            var args = (data, 2 * rng.NextDouble() - 1);
            try
            {
                var density = ModelDensity.Create(model, args, ChoiceMap.Empty);
                coordinates += density.Dimension;
                for (var p = 0; p < 3; p++)
                {
                    var u = Enumerable.Range(0, density.Dimension).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
                    if (DifferentiableFormCheck.Mismatch(DifferentiableFormCheck.Form.Of(density, (density as ModelDensity<(double[], double)>)?.Layout), u, choices => model.Assess(args, choices).Weight) is { } why) failures.Add($"D{m} (data [{string.Join(", ", data)}]): {why}");
                }
            }
            catch (Exception e)
            {
                // A layout or density that throws is a failure of this case, reported with its source.
                failures.Add($"D{m} (data [{string.Join(", ", data)}]): {e.GetType().Name}: {e.Message}");
            }
        }
        return generated.And(Labelled(failures.Count == 0, string.Join("\n", failures.Take(3)) + "\n" + src))
            .Collect(coordinates < 4 ? "under 4 coordinates" : coordinates < 10 ? "4 to 9 coordinates" : "10 or more coordinates");
    }

    /// <summary>The form with its value or its gradient off by a small smooth term (the negative controls of <see cref="DifferentiableFormCheck.Mismatch"/>).</summary>
    private static DifferentiableFormCheck.Form Skewed(DifferentiableFormCheck.Form f, double valueShift, double gradientShift) => f with
    {
        LogDensity = x => f.LogDensity(x) + valueShift * x[0] * x[0],
        LogDensityAndGradient = (x, g) =>
        {
            var lp = f.LogDensityAndGradient(x, g) + valueShift * x[0] * x[0];
            g[0] += 2 * valueShift * x[0] + gradientShift;
            return lp;
        },
    };

    /// <summary>
    /// The numeric check of the form on one generated model (a Uniform whose upper bound moves with an earlier choice):
    /// it passes the model's own density, and catches a log-Jacobian off by 10⁻³ u₀² and a gradient off by 10⁻³.
    /// </summary>
    [Fact]
    public void TheFormCheckPassesTheGeneratedDensityAndCatchesAWrongJacobianOrGradient()
    {
        var src = Harness.Usings + "public static partial class G { [Model] public static double D0(double[] data, double x) { " +
                  "var a = Sample(Beta(2, 3)); var b = Sample(Uniform(0, 1 - a)); " +
                  "for (var i = 0; i < data.Length; i++) Observe(Normal(a + b * i, 1), data[i], \"y\", i); return b; } }";
        var o = Generate(src);
        using var ms = new MemoryStream();
        Assert.True(o.Output.Emit(ms).Success);
        var model = (IGenerativeFunction<(double[], double), double>)Assembly.Load(ms.ToArray()).GetType("G")!.GetProperty("D0Model")!.GetValue(null)!;
        var args = (new[] { 0.3, 0.9 }, 0.0);
        var form = DifferentiableFormCheck.Form.Of(ModelDensity.Create(model, args, ChoiceMap.Empty));
        double Assess(ChoiceMap c) => model.Assess(args, c).Weight;
        double[] u = [0.4, -0.7];
        Assert.Null(DifferentiableFormCheck.Mismatch(form, u, Assess));
        Assert.Contains("Assess + log|J|", DifferentiableFormCheck.Mismatch(Skewed(form, 1e-3, 0), u, Assess));
        Assert.Contains("gradient", DifferentiableFormCheck.Mismatch(Skewed(form, 0, 1e-3), u, Assess));
    }

    /// <summary>A generator that crashes, adds code that does not compile, or drops a model silently (negative controls).</summary>
    private sealed class BadGenerator(int fault) : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context) =>
            context.RegisterSourceOutput(context.CompilationProvider, (spc, _) =>
            {
                if (fault == 0) throw new InvalidOperationException("boom");
                if (fault == 1) spc.AddSource("bad.g.cs", "class Broken { int F() => \"no\"; }");
            });
    }

    [Theory]
    [InlineData(0, "generator exception")]
    [InlineData(1, "does not compile")]
    [InlineData(2, "no diagnostic says why")]
    public void ThePropertiesCatchACrashBrokenCodeAndASilentDrop(int fault, string label)
    {
        var src = Harness.Model("var a = Sample(Normal(x, 1)); return a;");
        var e = Assert.ThrowsAny<Exception>(() => Sound(Generate(src, new BadGenerator(fault)), 1, src).QuickCheckThrowOnFailure());
        Assert.Contains(label, e.Message);
    }
}
