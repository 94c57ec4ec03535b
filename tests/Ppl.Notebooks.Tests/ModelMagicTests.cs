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
}
