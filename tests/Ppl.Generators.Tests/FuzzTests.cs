using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// The generator never crashes the compiler: method bodies assembled at random from valid, odd and broken
/// fragments (unbalanced braces, missing semicolons, effects in lambdas, iterators, wrong arguments…)
/// give diagnostics, never a generator exception or the internal-failure diagnostic PPL0009.
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

    [Property(MaxTest = 150)]
    public Property RandomBodiesGiveDiagnosticsNotCrashes(int[] picks, bool expressionBodied)
    {
        var body = string.Join("\n", (picks ?? Array.Empty<int>()).Take(12).Select(p => Fragments[(int)((uint)p % Fragments.Length)]));
        var src = expressionBodied
            ? Harness.Usings + "public static partial class C { [Model] public static double M(double x) => " + body + "; }"
            : Harness.Model(body);
        var (run, _) = Harness.Run(src);
        return (run.Exception is null && run.Diagnostics.All(d => d.Id != "PPL0009"))
            .Label($"exception: {run.Exception}; diagnostics: {string.Join("; ", run.Diagnostics)}");
    }
}
