using Xunit;
using Xunit.Abstractions;

namespace Ppl.Notebooks.Tests;

/// <summary>Every notebook in examples/notebooks runs headless without a cell error.</summary>
[Collection(nameof(NotebookCollection))]
public sealed class NotebookTests(ITestOutputHelper output)
{
    /// <summary>The notebooks, by file name, so each one is its own test case.</summary>
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(NotebookRunner.NotebooksFolder, "*.ipynb").OrderBy(f => f, StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_without_errors(string name)
    {
        var run = await NotebookRunner.RunAsync(Path.Combine(NotebookRunner.NotebooksFolder, name));
        // The printed figures (not the HTML) go to the test log, to see the margins of a notebook's checks.
        output.WriteLine($"{name}: {run.Wall.TotalSeconds:F1} s wall, {run.Cpu.TotalSeconds:F1} s CPU (process-wide)");
        foreach (var text in run.Outputs.Where(o => !o.TrimStart().StartsWith('<'))) output.WriteLine(text.Length > 400 ? text[..400] : text);
        Assert.True(run.Errors.Count == 0, $"{name}:\n" + string.Join("\n", run.Errors));
    }

    [Fact]
    public void Every_notebook_is_found()
    {
        // A renamed folder would otherwise make the theory above silently run nothing.
        Assert.True(Notebooks().Count >= 2);
    }

    [Fact]
    public async Task Getting_started_shows_tables_and_a_plot()
    {
        var run = await NotebookRunner.RunAsync(Path.Combine(NotebookRunner.NotebooksFolder, "01-getting-started.ipynb"));
        Assert.Empty(run.Errors);
        Assert.Contains(run.Outputs, o => o.Contains("<table class=\"ppl\">", StringComparison.Ordinal));
        Assert.Contains(run.Outputs, o => o.Contains("<svg", StringComparison.Ordinal));
    }
}

/// <summary>
/// Notebooks share the process's formatter registry and TorchSharp state, so they run one at a time.
/// </summary>
[CollectionDefinition(nameof(NotebookCollection), DisableParallelization = true)]
public sealed class NotebookCollection;
