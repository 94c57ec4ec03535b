using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>
/// The Ppl.Interactive package's <c>interactive-extensions/dotnet/extension.dib</c> (the script .NET
/// Interactive runs when a notebook loads the package) registers the formatters: before it runs, a choice
/// map shows with the default formatter; after, as Ppl's table. It also adds the <c>#!ppl-model</c> magic command.
/// </summary>
[Collection(nameof(NotebookCollection))]
public sealed class ExtensionTests
{
    [Fact]
    public async Task Extension_script_registers_the_formatters()
    {
        Formatter.ResetToDefault();   // other tests in this process may have registered them already
        try
        {
            using var kernel = new CSharpKernel();
            var bin = AppContext.BaseDirectory;
            var references = string.Concat(new[] { "TorchSharp", "Ppl", "Ppl.Inference", "ScottPlot", "Ppl.Plotting", "Microsoft.DotNet.Interactive.Formatting", "Ppl.Interactive" }
                .Select(a => $"#r \"{Path.Combine(bin, a + ".dll")}\"\n"));
            await Submit(kernel, references);
            const string Show = "Ppl.ChoiceMap.Empty.Set(\"a\", 1.5)";
            Assert.DoesNotContain("class=\"ppl\"", await Submit(kernel, Show), StringComparison.Ordinal);

            var script = Path.Combine(NotebookRunner.RepoRoot, "src", "Ppl.Interactive", "extension.dib");
            // A .dib names its cells' kernels (#!csharp); the parser needs to know which names are kernels.
            var document = CodeSubmission.Parse(await File.ReadAllTextAsync(script), new KernelInfoCollection { new KernelInfo("csharp") });
            var cells = document.Elements.Where(e => e.KernelName is "csharp" && !string.IsNullOrWhiteSpace(e.Contents)).ToList();
            Assert.NotEmpty(cells);
            foreach (var cell in cells) await Submit(kernel, cell.Contents);

            var after = await Submit(kernel, Show);
            Assert.Contains("<table class=\"ppl\"", after, StringComparison.Ordinal);
            Assert.Contains("<td>a</td>", after, StringComparison.Ordinal);

            // The script also adds #!ppl-model: a cell of [Model] methods compiles, and a later cell runs its model.
            await Submit(kernel, """
                #!ppl-model
                using Ppl.Modeling;
                using static Ppl.Dist;
                using static Ppl.Modeling.Effects;
                public static partial class ExtensionModels
                {
                    [Model]
                    public static double Draw(double m) => Sample(Normal(m, 1), "x");
                }
                """);
            Assert.NotEmpty(await Submit(kernel, "ExtensionModels.DrawModel.Simulate(2.0, new Ppl.Rng(1)).Return"));
        }
        finally
        {
            Formatter.ResetToDefault();
            Ppl.Interactive.PplFormatters.Register();   // as the notebooks leave it
        }
    }

    /// <summary>Submits code; fails on an error; returns everything it displayed.</summary>
    private static async Task<string> Submit(CSharpKernel kernel, string code)
    {
        var result = await kernel.SendAsync(new SubmitCode(code));
        var shown = new List<string>();
        foreach (var e in result.Events)
        {
            if (e is CommandFailed failed) Assert.Fail($"{code}: {failed.Message}");
            if (e is ErrorProduced error) Assert.Fail($"{code}: {error.Message}");
            if (e is DisplayEvent display) shown.AddRange(display.FormattedValues.Select(v => v.Value));
        }
        return string.Join("\n", shown);
    }
}
