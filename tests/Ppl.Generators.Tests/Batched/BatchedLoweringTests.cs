using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Ppl.Generators.Tests.Batched;

/// <summary>
/// The batched form the generator emits for scalar models (BatchedLowering, BatchedEmitter): emitted and
/// compiling without warnings where the model can be batched, PPL0011 naming the construct where it cannot.
/// (Its numbers are tested in Ppl.Inference.Tests/Batched/Generated against the scalar generated functions.)
/// </summary>
public class BatchedLoweringTests
{
    private static string Source(GeneratorRunResult run) => string.Join("\n", run.GeneratedSources.Select(s => s.SourceText.ToString()));

    [Theory]
    [InlineData("var n = Sample(Poisson(3.0)); var s = 0.0; for (var i = 0; i < n; i++) s += Sample(Normal(0, 1), \"y\", i); return s;", "for loop whose header depends on a random value",
        "var n = Sample(Poisson(3.0)); var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), \"y\", i); return s + n;")]
    [InlineData("var a = Sample(Normal(0, 1)); if (x > 0) { var b = M(x - 1); a += b; } return a;", "recursion",
        "var a = Sample(Normal(0, 1)); if (x > 0) { a += 1; } return a;")]
    [InlineData("var a = Sample(Normal(0, 1)); return Math.Round(a);", "a call to 'Round' with a random argument",
        "var a = Sample(Normal(0, 1)); return Math.Floor(a) + Math.Round(x);")]
    [InlineData("var a = Sample(Normal(0, 1)); if (a > 0) return 1.0; return a;", "a return inside a branch on a random value",
        "var a = Sample(Normal(0, 1)); if (x > 0) return 1.0; return a;")]
    [InlineData("var v = Sample(Dirichlet(new[] { 1.0, 1.0 })); return v[0];", "a choice or observation of type double[]",
        "var v = Sample(Beta(1, 1)); return v;")]
    [InlineData("Func<double> f = () => Sample(Normal(0, 1), \"a\"); return f();", "dynamic tracer",
        "var a = Sample(Normal(0, 1), \"a\"); return a;")]
    [InlineData("var k = Sample(Categorical(new[] { 0.5, 0.5 })); return k;", "the distribution 'Categorical",
        "var k = Sample(Bernoulli(0.5)); return k ? 1.0 : 0.0;")]
    [InlineData("var k = Sample(Poisson(1.0)); var arr = new[] { 1.0, 2.0 }; return arr[k];", "indexed by a random value",
        "var k = Sample(Poisson(1.0)); var arr = new[] { 1.0, 2.0 }; return arr[1] * k;")]
    [InlineData("var a = Sample(Normal(0, 1)); var t = (a, 1.0); return t.Item1;", "a tuple expression on a random value",
        "var a = Sample(Normal(0, 1)); var t = (x, 1.0); return t.Item1 + a;")]
    [InlineData("var a = Sample(Normal(0, 1)); while (a < 3) a += 1; return a;", "while loop whose condition depends on a random value",
        "var a = Sample(Normal(0, 1)); var i = 0; while (i < 3) { a += 1; i++; } return a;")]
    public void AConstructThatCannotBeBatchedIsNamed_AndTheBatchableVariantIsEmitted(string positive, string construct, string negative)
    {
        var (run, compile) = Harness.Run(Harness.Model(positive));
        Assert.Null(run.Exception);
        var d = Assert.Single(run.Diagnostics, x => x.Id == "PPL0011");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity); // a performance diagnostic: shown by an ordinary build
        Assert.True(d.GetMessage().Contains(construct, StringComparison.Ordinal), d.GetMessage());
        Assert.Equal("file0.cs", d.Location.GetLineSpan().Path);
        Assert.DoesNotContain("MBatched", Source(run));
        Assert.DoesNotContain(compile, x => x.Severity == DiagnosticSeverity.Error);

        var (ok, okCompile) = Harness.Run(Harness.Model(negative));
        Assert.DoesNotContain(ok.Diagnostics, x => x.Id == "PPL0011");
        Assert.Contains("MBatched", Source(ok));
        Assert.DoesNotContain(okCompile, x => x.Severity >= DiagnosticSeverity.Warning);
    }

    private const string Suite = Harness.Usings + """
        public static partial class S
        {
            [Model] public static double[] CurveFit(double[] xs, int degree)
            {
                var w = new double[degree + 1];
                for (var j = 0; j <= degree; j++) w[j] = Sample(Normal(0, 1), "w", j);
                for (var i = 0; i < xs.Length; i++)
                {
                    var mean = w[degree];
                    for (var j = degree - 1; j >= 0; j--) mean = mean * xs[i] + w[j];
                    _ = Sample(Normal(mean, 0.5), "y", i);
                }
                return w;
            }
            [Model] public static (double, double) Branches(double y)
            {
                var z = Sample(Bernoulli(0.3));
                var u = Sample(Uniform(0, 1));
                double mu;
                if (z && u > 0.5) { mu = Sample(Normal(2, 1), "a"); if (u > 0.9) mu *= 2; }
                else if (!z) mu = Sample(Normal(-2, 1), "a");
                else { mu = 0; Factor(-1.0); }
                var k = Sample(Poisson(Math.Exp(mu / 10)));
                Observe(Normal(mu + (z ? 1 : 0) - k, 1 + Math.Abs(mu)), y, "y");
                Observe(Bernoulli(0.5), true, "flag");
                return (mu, 2 - 1.0 / (1 + u));
            }
            [Model] public static double Expression(double x) => Sample(Normal(x, 1), "a") * 2;
            [Model] public static int Nothing(int n) => n + 1;
        }
        """;

    [Fact]
    public void TheSuiteCompilesWithItsBatchedFormsAndNoWarnings()
    {
        var (run, compile) = Harness.Run(Suite);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0011" || x.Id == "PPL0009");
        Assert.DoesNotContain(compile, x => x.Severity >= DiagnosticSeverity.Warning);
        var source = Source(run);
        foreach (var name in new[] { "CurveFitBatched", "BranchesBatched", "ExpressionBatched", "NothingBatched" }) Assert.Contains(name, source);
        // A branch on a random value runs both branches under masks; the assignments to outer locals become selects.
        Assert.Contains("__bt.PushMask(", source);
        Assert.Contains("global::Ppl.Inference.Batched.BatchedOps.Where(__bt.CurrentMask!", source);
        // Families keep their addresses; arrays of random values become arrays of tensors.
        Assert.Contains("new global::Ppl.Address((global::Ppl.AddressSegment)(\"w\"), (global::Ppl.AddressSegment)(j))", source);
        Assert.Contains("new global::TorchSharp.torch.Tensor[degree + 1]", source);
        // The body on the caller's tracer: double arguments per particle, or the same body when there is none.
        Assert.Contains("BranchesBatchedBody(global::Ppl.Inference.Batched.BatchedTracer __bt, global::TorchSharp.torch.Tensor y)", source);
        Assert.Contains("CurveFitBatchedBody(global::Ppl.Inference.Batched.BatchedTracer __bt, double[] xs, int degree) => __CurveFitBatchedBody(__bt, xs, degree);", source);
    }

    [Fact]
    public void WithoutPplInferenceThereIsNoBatchedFormAndNoDiagnostic()
    {
        var refs = Harness.References.Value.Where(r => !(r.Display ?? "").EndsWith("Ppl.Inference.dll", StringComparison.Ordinal)).ToArray();
        Assert.True(refs.Length < Harness.References.Value.Length, "the test project references Ppl.Inference");
        var compilation = CSharpCompilation.Create("noinference", new[] { CSharpSyntaxTree.ParseText(Suite, Harness.Parse, path: "file0.cs") }, refs,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = Harness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var run = driver.GetRunResult().Results.Single();
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0011");
        Assert.DoesNotContain("Batched", Source(run));
        Assert.Contains("CurveFitModel", Source(run));
        Assert.DoesNotContain(output.GetDiagnostics(), x => x.Severity == DiagnosticSeverity.Error);
    }

    /// <summary>
    /// An early return of an empty array with no random part (`if (n == 0) return new double[0];`, `[]`,
    /// `Array.Empty&lt;double&gt;()`) is an empty array of tensors in the batched form, which compiles; it was once
    /// copied as written and broke the user's build with CS0029 in generated code.
    /// </summary>
    [Theory]
    [InlineData("return new double[0];")]
    [InlineData("return [];")]
    [InlineData("return System.Array.Empty<double>();")]
    [InlineData("{ return new double[] { }; }")]
    public void AnEarlyEmptyArrayReturnIsBatchedAndCompiles(string earlyReturn)
    {
        var body = "if (n <= 0) " + earlyReturn + "\n var mu = Sample(Normal(0, 1)); var xs = new double[n];\n" +
                   "for (var i = 0; i < n; i++) xs[i] = Sample(Normal(mu, 1), \"x\", i);\n return xs;";
        var (run, compile) = Harness.Run(Harness.Model(body, "public static double[] M(int n)"));
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, x => x.Id == "PPL0011");
        Assert.Contains("MBatched", Source(run));
        Assert.Contains("global::System.Array.Empty<global::TorchSharp.torch.Tensor>()", Source(run));
        Assert.DoesNotContain(compile, x => x.Severity == DiagnosticSeverity.Error);
        Assert.Contains("SiteDependencies", Source(run)); // and the dependency analysis did not give up on it
    }
}
