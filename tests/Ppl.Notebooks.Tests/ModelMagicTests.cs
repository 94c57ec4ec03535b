using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>
/// The <c>#!ppl-model</c> magic command (Ppl.Interactive's ModelMagic): a notebook cell of <c>[Model]</c> methods is
/// compiled with Ppl's generator and analyzers, its diagnostics show under the cell (an error fails it), and later
/// cells run inference on the generated model.
/// </summary>
[Collection(nameof(NotebookCollection))]
public sealed class ModelMagicTests
{
    private static string TestNotebook => Path.Combine(NotebookRunner.RepoRoot, "tests", "Ppl.Notebooks.Tests", "Notebooks", "model-magic.ipynb");

    [Fact]
    public async Task Model_cells_compile_report_diagnostics_and_run_inference()
    {
        var run = await NotebookRunner.RunAsync(TestNotebook);
        // Only the planted mistake (cell 4: a Sample with no address and no local, PPL0007) fails; the cells after it
        // still run, and the inference cell checks its estimate against the conjugate posterior mean itself.
        var error = Assert.Single(run.Errors);
        Assert.StartsWith("cell 4:", error, StringComparison.Ordinal);
        Assert.Contains("PPL0007", error, StringComparison.Ordinal);
        Assert.Contains(run.Outputs, o => o.Contains("error PPL0007", StringComparison.Ordinal));   // shown under the cell
        Assert.Contains(run.Outputs, o => o.Contains("posterior mean of mu", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Example_notebook_shows_a_warning_under_the_cell()
    {
        var run = await NotebookRunner.RunAsync(Path.Combine(NotebookRunner.NotebooksFolder, "08-model-methods.ipynb"));
        Assert.Empty(run.Errors);
        Assert.Contains(run.Outputs, o => o.Contains("warning PPL0002", StringComparison.Ordinal));
    }

    [Fact]
    public void Compiler_runs_the_generator_and_emits_an_assembly()
    {
        var result = Ppl.Interactive.ModelCompiler.Compile("""
            using Ppl.Modeling;
            using static Ppl.Dist;
            using static Ppl.Modeling.Effects;
            public static partial class CompilerCheck
            {
                [Model]
                public static bool Coin(double p) => Sample(Bernoulli(p), "flip");
            }
            """);
        Assert.True(result.Success, result.Format());
        Assert.True(result.GeneratedFiles > 0);
        var assembly = System.Reflection.Assembly.LoadFile(result.AssemblyPath!);
        var model = assembly.GetType("CompilerCheck")!.GetProperty("CoinModel")?.GetValue(null);
        Assert.IsAssignableFrom<IGenerativeFunction<double, bool>>(model);
    }

    [Fact]
    public void A_pragma_in_the_cell_turns_a_generator_warning_off_as_in_a_build()
    {
        static string Source(bool pragma) => $$"""
            using Ppl.Modeling;
            using static Ppl.Dist;
            using static Ppl.Modeling.Effects;
            public static partial class PragmaCheck{{(pragma ? "A" : "B")}}
            {
            {{(pragma ? "#pragma warning disable PPL0002 // on purpose" : "")}}
                [Model]
                public static double Same()
                {
                    var s = 0.0;
                    for (var i = 0; i < 3; i++) s += Sample(Normal(0, 1), "a");
                    return s;
                }
            {{(pragma ? "#pragma warning restore PPL0002" : "")}}
            }
            """;
        var warned = Ppl.Interactive.ModelCompiler.Compile(Source(pragma: false));
        Assert.Contains(warned.Diagnostics, d => d.Id == "PPL0002");
        var quiet = Ppl.Interactive.ModelCompiler.Compile(Source(pragma: true));
        Assert.DoesNotContain(quiet.Diagnostics, d => d.Id == "PPL0002");
    }

    [Fact]
    public async Task Magic_works_under_a_composite_kernel_as_in_polyglot_notebooks()
    {
        // Polyglot Notebooks and Jupyter run the C# kernel inside a composite kernel, which parses the cell and routes
        // its parts; the runner above uses a bare C# kernel. The magic is registered from a cell, as extension.dib does.
        using var kernel = new CompositeKernel { new CSharpKernel() };
        kernel.DefaultKernelName = "csharp";
        var bin = AppContext.BaseDirectory;
        var load = string.Concat(new[] { "TorchSharp", "Ppl", "Ppl.Inference", "Microsoft.DotNet.Interactive.Formatting", "Ppl.Interactive" }
            .Select(a => $"#r \"{Path.Combine(bin, a + ".dll")}\"\n")) + "Ppl.Interactive.ModelMagic.Register();";
        await Submit(kernel, load);
        await Submit(kernel, """
            #!ppl-model
            using Ppl.Modeling;
            using static Ppl.Dist;
            using static Ppl.Modeling.Effects;
            public static partial class CompositeModels
            {
                [Model]
                public static double Draw(double m) => Sample(Normal(m, 1), "x");
            }
            """);
        var shown = await Submit(kernel, "CompositeModels.DrawModel.Simulate(3.0, new Ppl.Rng(1)).Return.ToString()");
        Assert.Contains(".", shown, StringComparison.Ordinal);
    }

    /// <summary>Submits code; fails on an error; returns everything it displayed.</summary>
    private static async Task<string> Submit(Kernel kernel, string code)
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
