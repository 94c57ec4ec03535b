using Ppl.Generators.CodeFixes;
using Xunit;

namespace Ppl.Generators.Tests.CodeFixes;

/// <summary>PPL0005's fixes: add <c>static</c> to the model, <c>partial</c> to its classes; nothing for other reasons.</summary>
public class ModelSignatureCodeFixTests
{
    private static readonly ModelSignatureCodeFix Provider = new();

    [Theory]
    [InlineData("public double M(double x)", "public static double M(double x)")]
    [InlineData("double M(double x)", "static double M(double x)")]
    [InlineData("internal double M(double x)", "internal static double M(double x)")]
    public async Task AnInstanceModelBecomesStatic(string signature, string expected)
    {
        var source = Harness.Model("var a = Sample(Normal(x, 1)); return a;", signature);
        var (title, fixedSource) = await FixHarness.Apply(Provider, source, "PPL0005");
        Assert.Equal("Make model 'M' static", title);
        Assert.Contains("[Model] " + expected, fixedSource);
        FixHarness.AssertFixed(fixedSource, "PPL0005");
    }

    [Theory]
    [InlineData("public static class C {", "public static partial class C {")]
    [InlineData("class C {", "partial class C {")]
    public async Task ANonPartialClassBecomesPartial(string declaration, string expected)
    {
        var source = Harness.Usings + declaration + " [Model] public static double M() { var a = Sample(Normal(0, 1)); return a; } }";
        var (title, fixedSource) = await FixHarness.Apply(Provider, source, "PPL0005");
        Assert.Equal("Make 'C' partial", title);
        Assert.Contains(expected, fixedSource);
        FixHarness.AssertFixed(fixedSource, "PPL0005");
    }

    [Fact]
    public async Task EveryNonPartialContainingClassBecomesPartial()
    {
        var source = Harness.Usings + "public class Outer { public partial class Mid { internal static class C { [Model] public static double M() { var a = Sample(Normal(0, 1)); return a; } } } }";
        var (title, fixedSource) = await FixHarness.Apply(Provider, source, "PPL0005");
        Assert.Equal("Make 'Outer', 'C' partial", title);
        Assert.Contains("public partial class Outer { public partial class Mid { internal static partial class C {", fixedSource);
        FixHarness.AssertFixed(fixedSource, "PPL0005");
    }

    [Theory]
    [InlineData("public static double M<T>(double x)", "return x;")]
    [InlineData("public static void M(double x)", "return;")]
    [InlineData("public static double M(ref double x)", "return x;")]
    public async Task NoFixIsOfferedWhereTheFixNeedsADecision(string signature, string body)
    {
        var (actions, _) = await FixHarness.Offer(Provider, Harness.Model(body, signature), "PPL0005");
        Assert.Empty(actions);
    }

    [Fact]
    public async Task NoFixIsOfferedForAStructContainer()
    {
        var source = Harness.Usings + "public partial struct S { [Model] public static double M() { var a = Sample(Normal(0, 1)); return a; } }";
        var (actions, _) = await FixHarness.Offer(Provider, source, "PPL0005");
        Assert.Empty(actions);
    }
}
