using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Ppl.Generators;
using Xunit;

namespace Ppl.Generators.Tests;

public class ModelGeneratorTests
{
    [Fact]
    public void TheGeneratorRunsOnACompilationWithoutFailing()
    {
        var source = "public static class M { public static double F(double x) => x * 2; }";
        var compilation = CSharpCompilation.Create("t", new[] { CSharpSyntaxTree.ParseText(source) },
            new[] { MetadataReference.CreateFromFile(typeof(object).Assembly.Location) },
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var driver = CSharpGeneratorDriver.Create(new ModelGenerator()).RunGenerators(compilation);
        var result = driver.GetRunResult();
        Assert.Single(result.Results);
        Assert.Null(result.Results[0].Exception);
        Assert.Empty(result.Diagnostics);
    }
}
