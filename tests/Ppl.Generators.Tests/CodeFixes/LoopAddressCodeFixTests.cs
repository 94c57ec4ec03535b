using Ppl.Generators.CodeFixes;
using Xunit;

namespace Ppl.Generators.Tests.CodeFixes;

/// <summary>PPL0002's fix: the loop variables join the address; no fix where no loop variable can be a segment.</summary>
public class LoopAddressCodeFixTests
{
    private static readonly LoopAddressCodeFix Provider = new();

    [Theory]
    // An inferred address in a loop: the local's name becomes the first segment.
    [InlineData("var s = 0.0; for (var i = 0; i < 3; i++) { var y = Sample(Normal(0, 1)); s += y; } return s;",
                "var y = Sample(Normal(0, 1), \"y\", i);", "i")]
    // An explicit address ignoring the loop.
    [InlineData("var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), \"y\"); return s;",
                "Sample(Normal(0, 1), \"y\", i)", "i")]
    // Nested loops: both variables, outermost first.
    [InlineData("var s = 0.0; for (var i = 0; i < 2; i++) for (var j = 0; j < 2; j++) s += Sample(Normal(0, 1), \"w\"); return s;",
                "Sample(Normal(0, 1), \"w\", i, j)", "i, j")]
    // Only the loop the address ignores.
    [InlineData("var s = 0.0; for (var i = 0; i < 2; i++) for (var j = 0; j < 2; j++) s += Sample(Normal(0, 1), \"w\", i); return s;",
                "Sample(Normal(0, 1), \"w\", i, j)", "j")]
    // A foreach over ints, an observation.
    [InlineData("foreach (var k in new[] { 1, 2 }) Observe(Normal(x, 1), 1.0 * k, \"o\"); return x;",
                "Observe(Normal(x, 1), 1.0 * k, \"o\", k);", "k")]
    // A constant index that does not vary.
    [InlineData("var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), \"y\", 0); return s;",
                "Sample(Normal(0, 1), \"y\", 0, i)", "i")]
    public async Task TheLoopVariableIsAddedToTheAddress(string body, string expected, string variables)
    {
        var source = Harness.Model(body);
        var (title, fixedSource) = await FixHarness.Apply(Provider, source, "PPL0002");
        Assert.Equal($"Add the loop variable to the address ({variables})", title);
        Assert.Contains(expected, fixedSource);
        FixHarness.AssertFixed(fixedSource, "PPL0002");
    }

    [Theory]
    // A while loop has no variable to add.
    [InlineData("var s = 0.0; var n = 0; while (n < 3) { n++; s += Sample(Normal(0, 1), \"y\", 0); } return s;")]
    // A double cannot be an address segment.
    [InlineData("var s = 0.0; foreach (var v in new[] { 0.5, 1.5 }) s += Sample(Normal(v, 1), \"y\"); return s;")]
    // Observe has no overload with three segments.
    [InlineData("for (var i = 0; i < 3; i++) Observe(Normal(x, 1), 1.0, \"o\", 0); return x;")]
    // A whole Address object: where the index goes is the user's call.
    [InlineData("var s = 0.0; for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), new Address(\"q\")); return s;")]
    public async Task NoFixIsOfferedWithoutAUsableLoopVariable(string body)
    {
        var (actions, _) = await FixHarness.Offer(Provider, Harness.Model(body), "PPL0002");
        Assert.Empty(actions);
    }
}
