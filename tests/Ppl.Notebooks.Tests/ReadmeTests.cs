using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>
/// The README's tour runs as written: every <c>dotnet run --project examples/Ppl.Examples -- …</c>
/// command in it runs (against the examples this test project built) and exits 0, writing the plot
/// and the JSON line it promises, and its C# code blocks run in a C# kernel without an error. Every
/// command's figures are checked against exact or reference values with tolerances from standard errors
/// (<see cref="FigureChecks"/>): an example whose figures degrade fails here, not only one that crashes.
/// </summary>
[Collection(nameof(NotebookCollection))]
public sealed partial class ReadmeTests : IDisposable
{
    private const string RunPrefix = "dotnet run --project examples/Ppl.Examples -- ";
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Readme => File.ReadAllText(Path.Combine(NotebookRunner.RepoRoot, "README.md"));

    /// <summary>Every example command in the README (code blocks and inline code), with its arguments as written.</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var args in ExampleCommands(Readme).Distinct(StringComparer.Ordinal)) data.Add(args);
        return data;
    }

    internal static IEnumerable<string> ExampleCommands(string markdown)
    {
        foreach (Match m in CommandPattern().Matches(markdown))
            yield return m.Groups["args"].Value.Trim();
    }

    // A command ends at the end of its line or at the closing backtick of inline code.
    [GeneratedRegex(@"dotnet run --project examples/Ppl\.Examples -- (?<args>[^`\r\n]+)")]
    private static partial Regex CommandPattern();

    [Fact]
    public void The_readme_has_the_two_commands_first_and_a_tour()
    {
        var commands = ExampleCommands(Readme).ToList();
        Assert.True(commands.Count >= 5, $"only {commands.Count} example commands in the README");
        var firstBlock = Regex.Match(Readme, "```bash\\n(?<body>.*?)```", RegexOptions.Singleline).Groups["body"].Value;
        Assert.Equal(new[] { RunPrefix + "quickstart", "dotnet test" }, firstBlock.Trim().Split('\n').Select(l => l.Trim()));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Readme_command_runs_as_written_and_its_figures_match_their_references(string args)
    {
        var argv = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (argv.Contains("--help"))
        {
            Assert.Contains("quickstart", RunExample(argv), StringComparison.Ordinal);
            return;
        }
        // --json only appends the figures as a last line (the run is the same), so a command without it gets it here.
        var output = RunExample(argv.Contains("--json") ? argv : [.. argv, "--json"]);
        var plot = Array.IndexOf(argv, "--plot");
        if (plot >= 0)
        {
            var file = new FileInfo(Path.Combine(_folder, argv[plot + 1]));
            Assert.True(file.Exists && file.Length > 1000, $"{args}: no plot at {file.FullName}");
        }
        var last = output.TrimEnd().Split('\n')[^1];
        using var json = JsonDocument.Parse(last);
        var figures = json.RootElement;
        Assert.Equal(argv[0], figures.GetProperty("example").GetString());
        Assert.True(FigureChecks.TryGetValue(argv[0], out var check), $"the README runs '{argv[0]}' but ReadmeTests has no check of its figures: add one to FigureChecks");
        check(figures);
    }

    [Fact]
    public async Task Readme_csharp_blocks_run_in_a_kernel()
    {
        var blocks = Regex.Matches(Readme, "```csharp\\n(?<body>.*?)```", RegexOptions.Singleline).Select(m => m.Groups["body"].Value).ToList();
        Assert.NotEmpty(blocks);
        var bin = AppContext.BaseDirectory;
        using var kernel = new CSharpKernel();
        var references = string.Concat(new[] { "TorchSharp", "Ppl", "Ppl.Inference" }.Select(a => $"#r \"{Path.Combine(bin, a + ".dll")}\"\n"));
        var printed = new StringBuilder();
        foreach (var code in blocks.Prepend(references))
        {
            // Console output of a submission is reported as standard-output events.
            var result = await kernel.SendAsync(new SubmitCode(code));
            foreach (var e in result.Events)
            {
                if (e is CommandFailed failed) Assert.Fail($"README code failed: {failed.Message}\n{code}");
                if (e is ErrorProduced error) Assert.Fail($"README code produced an error: {error.Message}\n{code}");
                if (e is StandardOutputValueProduced output) printed.Append(string.Concat(output.FormattedValues.Select(v => v.Value)));
            }
        }
        Assert.Contains("slope ≈", printed.ToString(), StringComparison.Ordinal);
    }

    private static string Configuration =>
        typeof(ReadmeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>Runs the built examples with <paramref name="args"/> in this test's temp folder; returns stdout.</summary>
    private string RunExample(string[] args)
    {
        var dll = Path.Combine(NotebookRunner.RepoRoot, "examples", "Ppl.Examples", "bin", Configuration, "net10.0", "Ppl.Examples.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: the test project's reference should have built it");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return ProcessRunner.Run(info, TimeSpan.FromMinutes(3), string.Join(' ', args));
    }
}
