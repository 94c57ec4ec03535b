using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Ppl.Interactive;

/// <summary>
/// Compiles C# source holding <c>static partial</c> classes with <c>[Model]</c> methods as one file of a project
/// that references Ppl: Ppl's source generator and analyzers run over it exactly as in a build, and the result is
/// emitted to an assembly that a notebook kernel can reference. A notebook's scripting kernel runs no source
/// generators on its own cells (a submission is not a file of a project), which is why this exists:
/// <see cref="ModelMagic"/> calls it for cells that start with <c>#!ppl-model</c>.
/// </summary>
public static class ModelCompiler
{
    /// <summary>The generator assembly's file name; it ships next to Ppl.Interactive and inside the Ppl package.</summary>
    public const string GeneratorAssemblyFile = "Ppl.Generators.dll";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<(ImmutableArray<ISourceGenerator> Generators, ImmutableArray<DiagnosticAnalyzer> Analyzers)> Plugins =
        new(LoadPlugins);

    // One reference object per file for the process: Roslyn keeps the symbols it read from a reference, so later cells
    // do not read the ~200 framework and kernel assemblies again.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, MetadataReference> ReferenceCache = new(StringComparer.Ordinal);

    private static int _compilations;

    /// <summary>
    /// Compiles <paramref name="source"/> against the assemblies this process has loaded (Ppl's, the framework's)
    /// with Ppl's generator and analyzers; emits it unless a diagnostic is an error.
    /// </summary>
    /// <param name="source">The cell's code: a C# file with its own <c>using</c> directives, as in a project.</param>
    /// <param name="path">The file name diagnostics print (<c>cell(3,9): …</c>).</param>
    public static ModelCompilation Compile(string source, string path = "cell")
    {
        var (generators, analyzers) = Plugins.Value;
        // A fresh name per cell: a kernel cannot unload an assembly, so re-running a cell must not collide with
        // the assembly an earlier run loaded.
        var name = $"PplModels{Interlocked.Increment(ref _compilations)}_{Guid.NewGuid():N}";
        var compilation = CSharpCompilation.Create(name,
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path) },
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var driver = CSharpGeneratorDriver.Create(generators, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.Length;

        var all = generatorDiagnostics.Concat(output.GetDiagnostics());
        if (!analyzers.IsEmpty)
            all = all.Concat(output.WithAnalyzers(analyzers).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
        var diagnostics = all.Where(Shown).Where(d => !DisabledByPragma(d)).Distinct()
            .OrderBy(d => d.Location.SourceTree?.FilePath == path ? 0 : 1)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ToList();
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return new ModelCompilation(diagnostics, null, generated);

        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ppl-notebook-models")).FullName;
        var file = Path.Combine(folder, name + ".dll");
        using (var stream = File.Create(file))
        {
            var emit = output.Emit(stream);
            // Emit finds errors the diagnostics above already reported; anything new (a missing reference, say)
            // is reported the same way.
            if (!emit.Success)
                return new ModelCompilation(diagnostics.Concat(emit.Diagnostics.Where(Shown)).Distinct().ToList(), null, generated);
        }
        return new ModelCompilation(diagnostics, file, generated);
    }

    /// <summary>
    /// True for a warning or info that a <c>#pragma warning disable</c> before it (and not restored) turns off. The
    /// compiler applies pragmas to its own and the analyzers' diagnostics, but those a generator reports come back
    /// from the driver unfiltered; a build filters them when it reports them, so the cell does the same.
    /// </summary>
    private static bool DisabledByPragma(Diagnostic d)
    {
        if (d.Severity == DiagnosticSeverity.Error || d.IsSuppressed) return d.IsSuppressed;
        if (d.Location.SourceTree is not { } tree) return false;
        var at = d.Location.SourceSpan.Start;
        var disabled = false;
        foreach (var pragma in tree.GetRoot().DescendantNodes(descendIntoTrivia: true).OfType<PragmaWarningDirectiveTriviaSyntax>()
                     .Where(p => p.SpanStart < at).OrderBy(p => p.SpanStart))
        {
            // No codes: every warning; otherwise the listed ones (ids as identifiers, numbers as CSnnnn).
            var applies = pragma.ErrorCodes.Count == 0 || pragma.ErrorCodes.Any(c => c.ToString().Trim() == d.Id);
            if (applies) disabled = pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword);
        }
        return disabled;
    }

    /// <summary>
    /// What a build shows: errors and warnings, and Ppl's own informational diagnostics (why a model takes a slower
    /// path), which a build hides but a notebook has room for; the C# compiler's hidden and info ones are noise here.
    /// </summary>
    private static bool Shown(Diagnostic d) =>
        d.Severity >= DiagnosticSeverity.Warning
        || (d.Severity == DiagnosticSeverity.Info && d.Id.StartsWith("PPL", StringComparison.Ordinal));

    /// <summary>
    /// The framework (the trusted platform assemblies) and every assembly the kernel has loaded from a file: those
    /// are the Ppl assemblies the notebook <c>#r</c>'d, so the emitted code binds to the very types later cells use.
    /// One file per assembly name, the loaded one winning.
    /// </summary>
    private static IEnumerable<MetadataReference> References()
    {
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var p in tpa.Where(File.Exists)) byName[Path.GetFileNameWithoutExtension(p)] = p;
        foreach (var a in AppDomain.CurrentDomain.GetAssemblies())
        {
            if (a.IsDynamic || string.IsNullOrEmpty(a.Location) || !File.Exists(a.Location)) continue;
            var simple = a.GetName().Name;
            // An earlier cell's models, or a generator loaded as an analyzer, are not references of a new cell.
            if (simple is null || simple.StartsWith("PplModels", StringComparison.Ordinal) || simple == "Ppl.Generators") continue;
            byName[simple] = a.Location;
        }
        return byName.Values.Select(p => ReferenceCache.GetOrAdd(p, static path => MetadataReference.CreateFromFile(path))).ToList();
    }

    private static (ImmutableArray<ISourceGenerator>, ImmutableArray<DiagnosticAnalyzer>) LoadPlugins()
    {
        var path = FindGenerator();
        var reference = new AnalyzerFileReference(path, new AnalyzerLoader());
        string? failure = null;
        reference.AnalyzerLoadFailed += (_, e) => failure = e.Message;
        var generators = reference.GetGenerators(LanguageNames.CSharp);
        var analyzers = reference.GetAnalyzers(LanguageNames.CSharp);
        if (failure is not null || generators.IsEmpty)
            throw new InvalidOperationException($"Ppl's generator could not be loaded from {path}: {failure ?? "it holds no generator"}.");
        return (generators, analyzers);
    }

    /// <summary>
    /// The generator the Ppl assemblies were built with: next to this assembly (a build folder), next to Ppl.dll, or in
    /// the Ppl package's <c>analyzers/dotnet/cs</c> folder (<c>lib/net10.0/Ppl.dll</c> is two folders below it).
    /// </summary>
    private static string FindGenerator()
    {
        var ppl = Path.GetDirectoryName(typeof(Ppl.Modeling.ModelAttribute).Assembly.Location) ?? "";
        var candidates = new[]
        {
            Path.Combine(Path.GetDirectoryName(typeof(ModelCompiler).Assembly.Location) ?? "", GeneratorAssemblyFile),
            Path.Combine(ppl, GeneratorAssemblyFile),
            Path.Combine(ppl, "..", "..", "analyzers", "dotnet", "cs", GeneratorAssemblyFile),
        };
        return candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{GeneratorAssemblyFile} (Ppl's source generator) was not found; looked at {string.Join(", ", candidates)}.");
    }
}
