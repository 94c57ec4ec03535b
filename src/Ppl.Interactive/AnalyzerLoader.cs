using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Ppl.Interactive;

/// <summary>
/// Loads Ppl's generator assembly into the kernel's own load context, where the Roslyn the kernel runs on is
/// already loaded: the generator then binds to that Roslyn, as it binds to the compiler's in a build.
/// </summary>
internal sealed class AnalyzerLoader : IAnalyzerAssemblyLoader
{
    public void AddDependencyLocation(string fullPath)
    {
        // The generator's only dependencies are Roslyn and netstandard, both already loaded.
    }

    public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
}
