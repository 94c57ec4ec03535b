using Microsoft.CodeAnalysis;

namespace Ppl.Interactive;

/// <summary>
/// The outcome of compiling one notebook cell of <c>[Model]</c> methods (<see cref="ModelCompiler.Compile"/>):
/// the diagnostics a build would show, and, when none of them is an error, the emitted assembly's file.
/// </summary>
/// <param name="Diagnostics">
/// Errors and warnings of the C# compiler, Ppl's generator and analyzers, and Ppl's informational diagnostics
/// (PPL0008 and others say why a model runs a slower path), in source order.
/// </param>
/// <param name="AssemblyPath">The emitted assembly, written to a temporary file; <c>null</c> when an error stopped the emit.</param>
/// <param name="GeneratedFiles">How many files the generator added to the compilation.</param>
public sealed record ModelCompilation(IReadOnlyList<Diagnostic> Diagnostics, string? AssemblyPath, int GeneratedFiles)
{
    /// <summary>Whether the cell compiled: no error diagnostic, and an assembly was emitted.</summary>
    public bool Success => AssemblyPath is not null;

    /// <summary>The diagnostics as a build prints them, one a line (<c>cell(3,9): error PPL0007: …</c>).</summary>
    public string Format() => string.Join("\n", Diagnostics.Select(d => d.ToString()));
}
