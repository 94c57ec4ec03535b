using Microsoft.CodeAnalysis;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// Conditioning through the typed builder is checked by the compiler: a misspelled address (static or a
/// family of observations), or a value of the wrong type, is a compile error, not a run-time one.
/// </summary>
public class TypedBuilderTests
{
    private const string Model = Harness.Usings + """
        public static partial class Regression
        {
            [Model]
            public static double[] Line(double[] xs)
            {
                var slope = Sample(Normal(0, 10));
                var ys = new double[xs.Length];
                for (var i = 0; i < xs.Length; i++) ys[i] = Sample(Normal(slope * xs[i], 1), "y", i);
                return ys;
            }
        }
        """;

    private static List<Diagnostic> Errors(string use) =>
        Harness.Run(Model, Harness.Usings + "public static class Use { public static ChoiceMap F() => Regression.LineModel.Choices()" + use + "; }")
            .Compile.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    [Fact]
    public void CorrectAddressesCompile() => Assert.Empty(Errors(".Slope(1.0).Y(0, 2.0).Y(1, 2.5)"));

    [Theory]
    [InlineData(".Y(0, 2.0).Ys(1, 2.5)", "CS1061", "Ys")]        // the observed family, misspelled
    [InlineData(".Slpoe(1.0)", "CS1061", "Slpoe")]               // a static address, misspelled
    [InlineData(".y(0, 2.0)", "CS1061", "y")]                    // members are PascalCase
    [InlineData(".Slope(true)", "CS1503", "bool")]               // a value of the wrong type
    public void AMistakeIsACompileError(string use, string id, string named)
    {
        var e = Assert.Single(Errors(use));
        Assert.Equal(id, e.Id);
        Assert.Contains(named, e.GetMessage());
        Assert.Equal("file1.cs", e.Location.GetLineSpan().Path);
    }
}
