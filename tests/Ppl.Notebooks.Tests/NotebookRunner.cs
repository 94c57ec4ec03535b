using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace Ppl.Notebooks.Tests;

/// <summary>The outcome of running one notebook: every formatted output, and the cell errors.</summary>
internal sealed record NotebookRun(IReadOnlyList<string> Outputs, IReadOnlyList<string> Errors, TimeSpan Wall, TimeSpan Cpu);

/// <summary>
/// Runs a .ipynb headless, in process: parse it, submit each C# cell to a fresh C# kernel, collect the
/// formatted outputs and every failed command or produced error.
/// </summary>
internal static class NotebookRunner
{
    /// <summary>
    /// The folder the notebooks <c>#r</c> (relative to examples/notebooks). The runner points it at this
    /// test's own output folder, which holds the same assemblies built in whatever configuration runs.
    /// </summary>
    public const string NotebookBinFolder = "../../tests/Ppl.Notebooks.Tests/bin/Debug/net10.0/";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string NotebooksFolder => Path.Combine(RepoRoot, "examples", "notebooks");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<NotebookRun>> Runs = new();

    /// <summary>Runs each notebook once per process; tests that look at different aspects share the run.</summary>
    public static Task<NotebookRun> RunAsync(string path) => Runs.GetOrAdd(Path.GetFullPath(path), RunOnceAsync);

    private static async Task<NotebookRun> RunOnceAsync(string path)
    {
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var document = Notebook.Parse(await File.ReadAllTextAsync(path));
        using var kernel = new CSharpKernel();
        var outputs = new List<string>();
        var errors = new List<string>();
        var bin = AppContext.BaseDirectory.Replace('\\', '/');
        if (!bin.EndsWith('/')) bin += "/";
        var index = 0;
        foreach (var cell in document.Elements)
        {
            index++;
            if (cell.KernelName is not null and not "csharp") continue;   // markdown cells
            if (string.IsNullOrWhiteSpace(cell.Contents)) continue;
            var code = cell.Contents.Replace(NotebookBinFolder, bin, StringComparison.Ordinal);
            var result = await kernel.SendAsync(new SubmitCode(code));
            foreach (var e in result.Events)
            {
                switch (e)
                {
                    case CommandFailed failed:
                        errors.Add($"cell {index}: {failed.Message}");
                        break;
                    case ErrorProduced error:
                        errors.Add($"cell {index}: {error.Message}");
                        break;
                    case DisplayEvent display:
                        foreach (var v in display.FormattedValues) outputs.Add(v.Value);
                        break;
                }
            }
        }
        // Process CPU time: a fair cost figure on a loaded machine when the notebooks run one at a time.
        return new NotebookRun(outputs, errors, wall.Elapsed, System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ppl.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Ppl.sln above {AppContext.BaseDirectory}.");
    }
}
