using Xunit;

namespace Ppl.Packaging.Tests;

/// <summary>
/// A console project as a modeler makes one: <c>dotnet new console</c> in an empty folder outside the repository,
/// <c>dotnet add package Ppl</c> and <c>Ppl.Inference</c> from the local feed, a <c>[Model]</c> with a tensor
/// distribution (and a planted mistake the analyzers must flag), built once.
/// </summary>
public sealed class ConsumerApp
{
    private ConsumerApp(string folder, string buildOutput)
    {
        Folder = folder;
        BuildOutput = buildOutput;
    }

    /// <summary>The project's folder.</summary>
    public string Folder { get; }

    /// <summary>What <c>dotnet build</c> printed.</summary>
    public string BuildOutput { get; }

    /// <summary>The built program.</summary>
    public string Dll => Path.Combine(Folder, "bin", "Debug", "net10.0", "App.dll");

    /// <summary>Vector mean with a Normal prior and a Normal likelihood, both tensor distributions: the exact posterior mean is y/2.</summary>
    public const string ModelsSource = """
        using Ppl.Modeling;
        using TorchSharp;
        using static Ppl.Dist;
        using static Ppl.Modeling.Effects;

        public static partial class Models
        {
            // μ ~ N(0, I), y ~ N(μ, I) with μ and y vectors: tensor distributions, one site each.
            [Model]
            public static double VectorMean(torch.Tensor y)
            {
                var n = y.shape[0];
                var mu = Sample(Normal(torch.zeros(n, dtype: torch.float64), torch.ones(n, dtype: torch.float64)));
                Observe(Normal(mu, torch.ones(n, dtype: torch.float64)), y, "y");
                return 0;
            }

            // A planted mistake: randomness that escapes the trace (the analyzer must flag it, PPL0003).
            [Model]
            public static double Jittered()
            {
                var jitter = Random.Shared.NextDouble();
                var x = Sample(Normal(jitter, 1));
                return x;
            }
        }
        """;

    /// <summary>Importance sampling on the tensor model; prints the two posterior means and libtorch's thread count.</summary>
    public const string ProgramSource = """
        using System.Globalization;
        using Ppl;
        using Ppl.Inference.Importance;
        using TorchSharp;

        TorchRuntime.EnsureLoaded();
        var y = torch.tensor(new[] { 2.0, -1.0 }, dtype: torch.float64);
        var posterior = ImportanceSampling.Run(Models.VectorMeanModel, y, ChoiceMap.Empty, 5_000, new Rng(1));
        double Mean(int k) => posterior.Mean(t => t.Get<torch.Tensor>("mu")[k].ToDoubleValue());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"posterior means {Mean(0):F3} {Mean(1):F3}; threads {torch.get_num_threads()}"));
        """;

    /// <summary>Makes and builds the project under the feed's root.</summary>
    internal static ConsumerApp Create(PackedFeed feed)
    {
        var folder = Path.Combine(feed.Root, "app");
        Directory.CreateDirectory(folder);
        AssertOutsideAnyBuildCustomization(folder);
        Cli.Dotnet(folder, "new", "console", "--name", "App", "--output", ".");
        Cli.Dotnet(folder, "add", "package", "Ppl", "--version", feed.Version);
        Cli.Dotnet(folder, "add", "package", "Ppl.Inference", "--version", feed.Version);
        File.WriteAllText(Path.Combine(folder, "Models.cs"), ModelsSource);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), ProgramSource);
        var build = Cli.Dotnet(folder, "build");
        return new ConsumerApp(folder, build);
    }

    /// <summary>No Directory.Build.props/targets or central package versions above the folder: the project sees only the packages.</summary>
    internal static void AssertOutsideAnyBuildCustomization(string folder)
    {
        Assert.False(Path.GetFullPath(folder).StartsWith(PackedFeed.RepoRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal), folder);
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
                Assert.False(File.Exists(Path.Combine(dir.FullName, name)), $"{name} above {folder}, in {dir.FullName}");
    }

    /// <summary>Whether the system's libstdc++ has GLIBCXX_3.4.32 (then TorchSharp loads without Ppl's build step).</summary>
    internal static bool SystemLibstdcxxHasGlibcxx3432()
    {
        var lib = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" }.FirstOrDefault(File.Exists);
        return lib is null || System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(lib)).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal);
    }
}
