using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Ppl.Generators.Tests;

/// <summary>Compiles sources against Ppl and the running runtime and drives the generator over them.</summary>
internal static class Harness
{
    public const string Usings = "using System; using Ppl; using Ppl.Modeling; using static Ppl.Dist; using static Ppl.Modeling.Effects;\n";

    internal static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        _ = typeof(Ppl.Modeling.ModelAttribute); // make sure Ppl is loaded
        var tpa = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return tpa.Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    });

    public static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    // One empty compilation that every test's compilation derives from, so the ~170 referenced assemblies'
    // symbols are built once per process instead of once per compilation (the fuzz tests make hundreds).
    private static readonly Lazy<CSharpCompilation> Empty = new(() =>
        CSharpCompilation.Create("test", Array.Empty<SyntaxTree>(), References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)));

    public static CSharpCompilation Compilation(params string[] sources) =>
        Empty.Value.AddSyntaxTrees(sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"file{i}.cs")));

    public static GeneratorDriver Driver(bool track = false) =>
        CSharpGeneratorDriver.Create(new[] { new ModelGenerator().AsSourceGenerator() }, parseOptions: Parse,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: track));

    /// <summary>Runs the generator; returns its run result and the diagnostics of the compilation with the generated code.</summary>
    public static (GeneratorRunResult Run, ImmutableArray<Diagnostic> Compile) Run(params string[] sources)
    {
        var compilation = Compilation(sources);
        var driver = Driver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return (driver.GetRunResult().Results.Single(), output.GetDiagnostics());
    }

    public static string Model(string body, string signature = "public static double M(double x)") =>
        Usings + "public static partial class C {\n [Model] " + signature + "\n {\n" + body + "\n }\n}\n";
}
