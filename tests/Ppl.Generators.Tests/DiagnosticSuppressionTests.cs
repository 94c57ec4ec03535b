using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// PPL diagnostics are configured as any Roslyn diagnostic: a <c>#pragma warning disable</c> around the model and the
/// <c>dotnet_diagnostic.ID.severity</c> of an .editorconfig that applies to the model's file. Both need the generator
/// to report at a location in the model's syntax tree (a location built from a path and a span is not checked
/// against either).
/// </summary>
public class DiagnosticSuppressionTests
{
    // PPL0008: an effect inside a lambda makes the model run through the dynamic tracer.
    private const string Fallback = "public static double {0}() {{ Func<double> f = () => Sample(Normal(0, 1), \"a\"); return f(); }}";

    private static string Source(string models) => Harness.Usings + "public static partial class C\n{\n" + models + "\n}\n";

    private static string Model(string name) => "    [Model]\n    " + string.Format(Fallback, name) + "\n";

    /// <summary>Runs the generator over one file at <paramref name="path"/>; returns every diagnostic it reported (filtered by the compilation's options).</summary>
    private static ImmutableArray<Diagnostic> Run(string source, string path = "/src/Models.cs", SyntaxTreeOptionsProvider? options = null)
    {
        var compilation = Harness.Compilation().AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, Harness.Parse, path: path));
        if (options != null) compilation = compilation.WithOptions(compilation.Options.WithSyntaxTreeOptionsProvider(options));
        Harness.Driver().RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        return diagnostics;
    }

    [Fact]
    public void WithoutConfigurationThePerformanceDiagnosticIsAWarningAtTheUsersCode()
    {
        var d = Assert.Single(Run(Source(Model("M"))), x => x.Id == "PPL0008");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
        Assert.False(d.IsSuppressed);
        Assert.Equal(LocationKind.SourceFile, d.Location.Kind);
        Assert.Equal("/src/Models.cs", d.Location.SourceTree!.FilePath);
        Assert.Equal(PplDiagnostics.HelpLinkBase + "PPL0008.md", d.Descriptor.HelpLinkUri);
    }

    [Fact]
    public void APragmaAroundTheModelSuppressesItThereOnly()
    {
        var source = Source(
            "#pragma warning disable PPL0008 // on purpose\n" + Model("Quiet") + "#pragma warning restore PPL0008\n" + Model("Loud"));
        var ds = Run(source).Where(x => x.Id == "PPL0008").ToList();
        Assert.Equal(2, ds.Count);
        Assert.Single(ds, x => x.IsSuppressed && x.GetMessage().Contains("'Quiet'", StringComparison.Ordinal));
        Assert.Single(ds, x => !x.IsSuppressed && x.GetMessage().Contains("'Loud'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("error", DiagnosticSeverity.Error)]
    [InlineData("suggestion", DiagnosticSeverity.Info)]
    [InlineData("warning", DiagnosticSeverity.Warning)]
    public void AnEditorConfigSetsTheSeverity(string setting, DiagnosticSeverity? expected)
    {
        var options = EditorConfig("/src/.editorconfig", $"root = true\n\n[*.cs]\ndotnet_diagnostic.PPL0008.severity = {setting}\n");
        var ds = Run(Source(Model("M")), options: options).Where(x => x.Id == "PPL0008").ToList();
        if (expected == null) Assert.Empty(ds);
        else Assert.Equal(expected, Assert.Single(ds).Severity);
    }

    [Fact]
    public void AnEditorConfigOfAnotherFolderDoesNotApply()
    {
        var options = EditorConfig("/other/.editorconfig", "root = true\n\n[*.cs]\ndotnet_diagnostic.PPL0008.severity = none\n");
        var d = Assert.Single(Run(Source(Model("M")), options: options), x => x.Id == "PPL0008");
        Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
    }

    /// <summary>The per-file severities of one .editorconfig, parsed and matched by Roslyn as the compiler does.</summary>
    private static SyntaxTreeOptionsProvider EditorConfig(string path, string text) =>
        new ConfigOptions(AnalyzerConfigSet.Create(new[] { AnalyzerConfig.Parse(text, path) }));

    private sealed class ConfigOptions : SyntaxTreeOptionsProvider
    {
        private readonly AnalyzerConfigSet _set;

        public ConfigOptions(AnalyzerConfigSet set) => _set = set;

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return Path.IsPathRooted(tree.FilePath) && _set.GetOptionsForSourcePath(tree.FilePath).TreeOptions.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}
