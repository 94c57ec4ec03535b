using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Ppl.Generators.Tests.CodeFixes;

/// <summary>
/// Offers and applies code fixes the way an IDE does: the generator reports the diagnostic, the provider
/// registers actions for it on a document of an <see cref="AdhocWorkspace"/>, and the chosen action's
/// changed solution gives the fixed source, which is then compiled again with the generator.
/// </summary>
internal static class FixHarness
{
    /// <summary>The actions the provider offers for the first diagnostic <paramref name="id"/> the generator reports on <paramref name="source"/>.</summary>
    public static async Task<(List<CodeAction> Actions, Document Document)> Offer(CodeFixProvider provider, string source, string id)
    {
        var (run, _) = Harness.Run(source);
        var diagnostic = run.Diagnostics.FirstOrDefault(d => d.Id == id);
        Assert.True(diagnostic is not null, $"the generator did not report {id}: {string.Join("; ", run.Diagnostics)}");
        return await Offer(provider, source, diagnostic!);
    }

    /// <summary>The actions the provider offers for <paramref name="diagnostic"/> on <paramref name="source"/>.</summary>
    public static async Task<(List<CodeAction> Actions, Document Document)> Offer(CodeFixProvider provider, string source, Diagnostic diagnostic)
    {
        Assert.Contains(diagnostic.Id, provider.FixableDiagnosticIds);
        var workspace = new AdhocWorkspace();
        var projectId = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution
            .AddProject(ProjectInfo.Create(projectId, VersionStamp.Default, "test", "test", LanguageNames.CSharp,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
                parseOptions: Harness.Parse, metadataReferences: Harness.References.Value));
        var documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(DocumentInfo.Create(documentId, "file0.cs", loader: TextLoader.From(TextAndVersion.Create(SourceText.From(source), VersionStamp.Default)), filePath: "file0.cs"));
        var document = solution.GetDocument(documentId)!;
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        return (actions, document);
    }

    /// <summary>Applies the only offered action and returns the fixed source.</summary>
    public static async Task<(string Title, string Source)> Apply(CodeFixProvider provider, string source, string id)
    {
        var (actions, document) = await Offer(provider, source, id);
        var action = Assert.Single(actions);
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var changed = Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
        var text = await changed.GetDocument(document.Id)!.GetTextAsync();
        return (action.Title, text.ToString());
    }

    /// <summary>Asserts that the fixed source compiles (with the generated code) and no longer has diagnostic <paramref name="id"/>.</summary>
    public static void AssertFixed(string fixedSource, string id)
    {
        var (run, compile) = Harness.Run(fixedSource);
        Assert.Null(run.Exception);
        Assert.DoesNotContain(run.Diagnostics, d => d.Id == id);
        Assert.DoesNotContain(run.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(compile.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.NotEmpty(run.GeneratedSources);
    }
}
