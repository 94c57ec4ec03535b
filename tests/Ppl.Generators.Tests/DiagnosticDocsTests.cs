using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace Ppl.Generators.Tests;

/// <summary>
/// Every diagnostic the generator (or an analyzer or code fix shipped beside it) declares has a help link to its page
/// under docs/diagnostics/, each page names its id and has a wrong example that triggers the diagnostic and a right
/// example that compiles without it, and docs/diagnostics/ has no page for an id that does not exist.
/// </summary>
public class DiagnosticDocsTests
{
    /// <summary>PPL0009 is the generator failing (a bug): no model can be written to trigger it on purpose.</summary>
    private static readonly HashSet<string> NoWrongExample = new() { "PPL0009" };

    private static readonly Assembly[] Shipped =
    {
        typeof(ModelGenerator).Assembly,
        typeof(Ppl.Generators.CodeFixes.DiscardedSampleCodeFix).Assembly,
    };

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string DocsFolder => Path.Combine(RepoRoot, "docs", "diagnostics");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ppl.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Ppl.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// The descriptors declared in the shipped assemblies: static fields and properties of type DiagnosticDescriptor
    /// (public or not), and the supported diagnostics of every analyzer.
    /// </summary>
    private static List<DiagnosticDescriptor> Declared()
    {
        var found = new List<DiagnosticDescriptor>();
        const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        foreach (var type in Shipped.SelectMany(a => a.GetTypes()).Where(t => !t.ContainsGenericParameters))
        {
            foreach (var f in type.GetFields(Static).Where(f => f.FieldType == typeof(DiagnosticDescriptor)))
                if (f.GetValue(null) is DiagnosticDescriptor d) found.Add(d);
            foreach (var p in type.GetProperties(Static).Where(p => p.PropertyType == typeof(DiagnosticDescriptor) && p.GetIndexParameters().Length == 0))
                if (p.GetValue(null) is DiagnosticDescriptor d) found.Add(d);
            if (typeof(DiagnosticAnalyzer).IsAssignableFrom(type) && !type.IsAbstract && type.GetConstructor(Type.EmptyTypes) != null)
                found.AddRange(((DiagnosticAnalyzer)Activator.CreateInstance(type)!).SupportedDiagnostics);
        }
        return found.GroupBy(d => d.Id).Select(g => g.First()).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var d in Declared()) data.Add(d.Id);
        return data;
    }

    private static DiagnosticDescriptor Descriptor(string id) => Declared().Single(d => d.Id == id);

    private static string PagePath(string id) => Path.Combine(DocsFolder, id + ".md");

    [Fact]
    public void TheGeneratorsDescriptorsAreFound()
    {
        var ids = Declared().Select(d => d.Id).ToList();
        // The reflection sees the generator's descriptors (the ids listed in AnalyzerReleases.Unshipped.md).
        var released = File.ReadAllLines(Path.Combine(RepoRoot, "src", "Ppl.Generators", "AnalyzerReleases.Unshipped.md"))
            .Concat(File.ReadAllLines(Path.Combine(RepoRoot, "src", "Ppl.Generators", "AnalyzerReleases.Shipped.md")))
            .Select(l => Regex.Match(l, @"^(PPL\d{4})\s*\|").Groups[1].Value).Where(s => s.Length > 0).Distinct().OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(released, ids);
        Assert.Contains("PPL0001", ids);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheHelpLinkPointsToAnExistingPage(string id)
    {
        var d = Descriptor(id);
        Assert.False(string.IsNullOrEmpty(d.HelpLinkUri), $"{id} has no help link");
        Assert.EndsWith("docs/diagnostics/", PplDiagnostics.HelpLinkBase, StringComparison.Ordinal);
        Assert.Equal(PplDiagnostics.HelpLinkBase + id + ".md", d.HelpLinkUri);
        // The link, relative to the repository root (or the part after the base, once the base is absolute), names a page that exists.
        Assert.True(File.Exists(PagePath(id)), $"{d.HelpLinkUri}: no page {PagePath(id)}");
        if (!Uri.IsWellFormedUriString(d.HelpLinkUri, UriKind.Absolute))
            Assert.True(File.Exists(Path.Combine(RepoRoot, d.HelpLinkUri)), $"{d.HelpLinkUri} does not resolve from the repository root");
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ThePageNamesTheIdAndSaysHowToSuppress(string id)
    {
        var d = Descriptor(id);
        var page = File.ReadAllText(PagePath(id));
        Assert.StartsWith($"# {id}: {d.Title}", page, StringComparison.Ordinal);
        Assert.Contains($"| Severity | {d.DefaultSeverity}", page, StringComparison.Ordinal);
        var suppress = Section(page, "How to suppress");
        Assert.Contains($"dotnet_diagnostic.{id}.severity", suppress, StringComparison.Ordinal);
        Assert.Contains($"#pragma warning disable {id}", suppress, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheWrongExampleTriggersTheDiagnostic(string id)
    {
        var page = File.ReadAllText(PagePath(id));
        if (NoWrongExample.Contains(id))
        {
            Assert.Contains("There is no wrong example", page, StringComparison.Ordinal);
            return;
        }
        var wrong = CodeBlock(Section(page, "Wrong"), id + " Wrong");
        var (run, _) = Harness.Run(wrong);
        Assert.Null(run.Exception);
        Assert.Contains(run.Diagnostics, x => x.Id == id && !x.IsSuppressed);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TheRightExampleCompilesCleanly(string id)
    {
        var right = CodeBlock(Section(File.ReadAllText(PagePath(id)), "Right"), id + " Right");
        var (run, compile) = Harness.Run(right);
        Assert.Null(run.Exception);
        // No PPL diagnostic at all (not only not this one), and nothing from the compiler about the example.
        Assert.Empty(run.Diagnostics);
        Assert.Empty(compile.Where(x => x.Severity == DiagnosticSeverity.Error || (x.Severity == DiagnosticSeverity.Warning && x.Location.SourceTree?.FilePath == "file0.cs")));
        if (right.Contains("[Model]", StringComparison.Ordinal)) Assert.NotEmpty(run.GeneratedSources);
    }

    [Fact]
    public void ThereIsNoPageForAnIdThatDoesNotExist()
    {
        var ids = Declared().Select(d => d.Id).ToHashSet();
        var pages = Directory.GetFiles(DocsFolder).Select(Path.GetFileName).Where(n => n != "README.md").ToList();
        Assert.All(pages, name => Assert.True(name!.EndsWith(".md", StringComparison.Ordinal) && ids.Contains(name[..^3]),
            $"docs/diagnostics/{name} is not the page of a declared diagnostic"));
        Assert.Empty(Directory.GetDirectories(DocsFolder));
    }

    [Fact]
    public void TheIndexListsEveryDiagnosticWithItsSeverityAndNoOther()
    {
        var index = File.ReadAllText(Path.Combine(DocsFolder, "README.md"));
        var declared = Declared();
        foreach (var d in declared)
            Assert.Contains($"| [{d.Id}]({d.Id}.md) | {d.DefaultSeverity} | {d.Title}", index, StringComparison.Ordinal);
        var listed = Regex.Matches(index, @"\[(PPL\d{4})\]\(").Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(declared.Select(d => d.Id).ToHashSet(), listed);
    }

    [Fact]
    public void CodeFixesFixOnlyDeclaredDiagnostics()
    {
        var ids = Declared().Select(d => d.Id).ToHashSet();
        var fixers = Shipped.SelectMany(a => a.GetTypes())
            .Where(t => typeof(CodeFixProvider).IsAssignableFrom(t) && !t.IsAbstract && t.GetConstructor(Type.EmptyTypes) != null)
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!).ToList();
        Assert.NotEmpty(fixers);
        foreach (var f in fixers)
            Assert.All(f.FixableDiagnosticIds, id => Assert.Contains(id, ids));
    }

    [Theory]
    [InlineData("PPL0008")]
    [InlineData("PPL0010")]
    [InlineData("PPL0011")]
    [InlineData("PPL0012")]
    public void PerformanceDiagnosticsAreWarningsByDefault(string id)
    {
        // Shown by an ordinary `dotnet build` (an Info diagnostic only shows with -v:d, in SARIF or in an IDE).
        var d = Descriptor(id);
        Assert.Equal(DiagnosticSeverity.Warning, d.DefaultSeverity);
        Assert.True(d.IsEnabledByDefault);
    }

    /// <summary>The text of the section under the heading <c>## title</c>, up to the next heading of that level.</summary>
    private static string Section(string page, string title)
    {
        var m = Regex.Match(page, "^## " + Regex.Escape(title) + @"[ \t]*\r?\n(.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(m.Success, $"no section '## {title}'");
        return m.Groups[1].Value;
    }

    /// <summary>The one C# code block of a section.</summary>
    private static string CodeBlock(string section, string what)
    {
        var blocks = Regex.Matches(section, @"^```csharp[ \t]*\r?\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(blocks.Count == 1, $"{what}: expected one ```csharp block, found {blocks.Count}");
        return blocks[0].Groups[1].Value;
    }
}
