using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Xunit;

namespace Ppl.Packaging.Tests;

/// <summary>
/// The packages as a modeler adds them to a console project of their own (<see cref="ConsumerApp"/>): what the packages
/// carry, a tensor model run from them with nothing but the .NET SDK, and the message when libtorch cannot load.
/// </summary>
[Collection(PackagingCollection.Name)]
public sealed class ConsumerProjectTests(PackedFeed feed)
{
    [Fact]
    public void The_packages_carry_the_generator_the_native_dependency_and_the_build_steps()
    {
        using (var zip = ZipFile.OpenRead(feed.Package("Ppl")))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/Ppl.dll", entries);
            Assert.Contains("lib/net10.0/Ppl.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/Ppl.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Ppl.Generators.CodeFixes.dll", entries);   // for IDEs; the compiler ignores it
            Assert.Contains("buildTransitive/Ppl.targets", entries);
            Assert.Contains("buildTransitive/Ppl.props", entries);
            var nuspec = Read(zip, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
            Assert.DoesNotContain("Ppl.Generators", nuspec, StringComparison.Ordinal);   // shipped inside, not a dependency
            Assert.Contains("id=\"libtorch-cpu-linux-x64\"", nuspec, StringComparison.Ordinal);
            Assert.Contains("id=\"TorchSharp\"", nuspec, StringComparison.Ordinal);
            // The package's targets are the repository's own native fix, not a copy that could drift.
            Assert.Equal(File.ReadAllText(Path.Combine(PackedFeed.RepoRoot, "src", "Ppl", "buildTransitive", "Ppl.targets")),
                Read(zip, e => e.FullName == "buildTransitive/Ppl.targets"));
        }
        using (var zip = ZipFile.OpenRead(feed.Package("Ppl.Inference")))
            Assert.Contains($"id=\"Ppl\" version=\"{feed.Version}\"", Read(zip, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.True(File.Exists(feed.Package("Ppl.Plotting")));
        // .NET Interactive runs this script when a notebook loads the package with #r "nuget: Ppl.Interactive, …".
        using (var zip = ZipFile.OpenRead(feed.Package("Ppl.Interactive")))
            Assert.Contains("interactive-extensions/dotnet/extension.dib", zip.Entries.Select(e => e.FullName));
        using (var zip = ZipFile.OpenRead(feed.Package("Ppl.Templates")))
        {
            Assert.Contains("<packageType name=\"Template\" />", Read(zip, e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.Contains($"Include=\"Ppl\" Version=\"{feed.Version}\"", Read(zip, e => e.FullName == "content/PplModel/PplModel.csproj"), StringComparison.Ordinal);
            Assert.Contains("content/PplModel/.template.config/template.json", zip.Entries.Select(e => e.FullName));
        }
    }

    [Fact]
    public void A_console_project_adds_the_packages_and_runs_inference_on_a_tensor_model()
    {
        var app = feed.Consumer;
        // The generator and its analyzers run in the consumer's compiler: the planted mistake is reported.
        Assert.Matches(@"Models\.cs\(\d+,\d+\): warning PPL0003", app.BuildOutput);
        if (!ConsumerApp.SystemLibstdcxxHasGlibcxx3432())
            Assert.Contains("Ppl: marked GLIBCXX_3.4.32 weak", app.BuildOutput, StringComparison.Ordinal);   // the package's build step ran

        var output = Cli.Dotnet(app.Folder, app.Dll);
        var (m0, m1, threads) = ParseMeans(output);
        // Exact posterior: μ | y ~ N(y/2, I/2), so the means are 1 and -0.5; 5000 prior draws give an error of about 0.02.
        Assert.InRange(m0, 0.9, 1.1);
        Assert.InRange(m1, -0.6, -0.4);
        Assert.Equal(1, threads);   // Ppl's thread default
    }

    [Fact]
    public void A_published_app_for_linux_x64_runs_from_its_publish_folder()
    {
        var app = feed.Consumer;
        var folder = Path.Combine(feed.Root, "published");
        var publish = Cli.Dotnet(app.Folder, "publish", "-r", "linux-x64", "--self-contained", "false", "-o", folder);
        if (!ConsumerApp.SystemLibstdcxxHasGlibcxx3432())   // the package's publish step patched the published copy
            Assert.Contains($"Ppl: marked GLIBCXX_3.4.32 weak in {Path.Combine(folder, "libLibTorchSharp.so")}", publish, StringComparison.Ordinal);
        var (m0, m1, _) = ParseMeans(Cli.Dotnet(folder, Path.Combine(folder, "App.dll")));
        Assert.InRange(m0, 0.9, 1.1);
        Assert.InRange(m1, -0.6, -0.4);
    }

    [Fact]
    public void Without_the_native_fix_loading_fails_with_a_message_naming_the_missing_library()
    {
        var app = feed.Consumer;
        var unpatched = Path.Combine(feed.Root, "unpatched");
        Cli.Dotnet(app.Folder, "build", "-p:PplPatchLibTorchSharp=false", "-o", unpatched);
        // NUGET_PACKAGES at an empty folder keeps TorchSharp's own fallback from copying 500 MB of natives next to the app.
        var run = Cli.Run(app.Folder, new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(feed.Root, "no-packages") }, Path.Combine(unpatched, "App.dll"));
        if (ConsumerApp.SystemLibstdcxxHasGlibcxx3432())
        {
            Assert.True(run.ExitCode == 0, run.Output);   // nothing to fix on this system: the unpatched copy loads
            ParseMeans(run.Output);
            return;
        }
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("Ppl.TorchLoadException", run.Output, StringComparison.Ordinal);
        Assert.Contains("Missing library: libstdc++.so.6 (GLIBCXX_3.4.32)", run.Output, StringComparison.Ordinal);
        Assert.Contains("libLibTorchSharp.so", run.Output, StringComparison.Ordinal);
        Assert.Contains("PplPatchLibTorchSharp=false", run.Output, StringComparison.Ordinal);   // the fix is named with the cause
    }

    private static (double M0, double M1, int Threads) ParseMeans(string output)
    {
        var match = Regex.Match(output, @"posterior means (-?\d+\.\d+) (-?\d+\.\d+); threads (\d+)");
        Assert.True(match.Success, output);
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
            int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture));
    }

    private static string Read(ZipArchive zip, Func<ZipArchiveEntry, bool> which)
    {
        using var reader = new StreamReader(zip.Entries.Single(which).Open());
        return reader.ReadToEnd();
    }
}
