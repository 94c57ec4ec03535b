using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using Ppl.Generators.CodeFixes;
using Xunit;

namespace Ppl.Generators.Tests.CodeFixes;

/// <summary>PPL0004's fix: an explicit discard keeps the latent choice and silences the warning.</summary>
public class DiscardedSampleCodeFixTests
{
    private static readonly DiscardedSampleCodeFix Provider = new();

    [Fact]
    public async Task TheDiscardIsMadeExplicit()
    {
        var source = Harness.Model("Sample(Normal(0, 1), \"y\");\nreturn x;");
        var (title, fixedSource) = await FixHarness.Apply(Provider, source, "PPL0004");
        Assert.StartsWith("Keep the choice", title);
        Assert.Contains("_ = Sample(Normal(0, 1), \"y\");\nreturn x;", fixedSource);
        FixHarness.AssertFixed(fixedSource, "PPL0004");
    }

    [Fact]
    public async Task NoFixIsOfferedWhenTheDiagnosticDoesNotSitOnASample()
    {
        // A stale diagnostic (the code changed since it was reported) that now points at an Observe.
        var source = Harness.Model("Observe(Normal(0, 1), x, \"y\");\nreturn x;");
        var start = source.IndexOf("Observe(", StringComparison.Ordinal);
        var span = new TextSpan(start, source.IndexOf(';', start) - start);
        var location = Location.Create("file0.cs", span, new LinePositionSpan(default, default));
        var descriptor = new DiagnosticDescriptor("PPL0004", "t", "m", "c", DiagnosticSeverity.Warning, true);
        var (actions, _) = await FixHarness.Offer(Provider, source, Diagnostic.Create(descriptor, location));
        Assert.Empty(actions);
    }
}
