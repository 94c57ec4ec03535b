using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using Xunit;

namespace Ppl.Notebooks.Tests;

/// <summary>
/// <c>dotnet pack</c> produces Ppl and Ppl.Inference, with the generator inside Ppl, and a fresh console
/// project that references only those packages (from a local folder) builds and runs a model. No network:
/// the fresh project's sources are the local folder and this machine's NuGet cache, and it restores into
/// its own packages folder so that a stale Ppl 0.1.0 in the shared cache can never be picked up.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-pack-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }   // a build server may still hold a file; the temp folder is reclaimed later
    }

    private static string Configuration =>
        typeof(PackageTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    [Fact]
    public void Packed_packages_build_and_run_in_a_fresh_project()
    {
        var feed = Path.Combine(_root, "feed");
        // Both packs in one MSBuild process (each CLI start costs seconds), without building: this test
        // project references both libraries, so they are already built in this configuration.
        var packProject = Path.Combine(_root, "pack.proj");
        var projects = string.Join(";", new[] { "src/Ppl/Ppl.csproj", "src/Inference/Ppl.Inference.csproj", "src/Ppl.Interactive/Ppl.Interactive.csproj" }.Select(p => Path.Combine(NotebookRunner.RepoRoot, p)));
        File.WriteAllText(packProject, $"""
            <Project>
              <Target Name="PackAll">
                <MSBuild Projects="{projects}" Targets="Pack" Properties="Configuration={Configuration};NoBuild=true;PackageOutputPath={feed}" />
              </Target>
            </Project>
            """);
        Dotnet(_root, "msbuild", packProject, "-t:PackAll");

        var ppl = Path.Combine(feed, "Ppl.0.1.0.nupkg");
        using (var zip = ZipFile.OpenRead(ppl))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("lib/net10.0/Ppl.dll", entries);
            Assert.Contains("lib/net10.0/Ppl.xml", entries);
            Assert.Contains("analyzers/dotnet/cs/Ppl.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/Ppl.Generators.CodeFixes.dll", entries);   // for IDEs; the compiler ignores it
            var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).ReadToEnd();
            Assert.DoesNotContain("Ppl.Generators", nuspec, StringComparison.Ordinal);   // not a package dependency
        }
        Assert.True(File.Exists(Path.Combine(feed, "Ppl.Inference.0.1.0.nupkg")));
        // .NET Interactive runs this script when a notebook loads the package with #r "nuget: Ppl.Interactive, …".
        using (var zip = ZipFile.OpenRead(Path.Combine(feed, "Ppl.Interactive.0.1.0-beta.nupkg")))
            Assert.Contains("interactive-extensions/dotnet/extension.dib", zip.Entries.Select(e => e.FullName));

        var app = Path.Combine(_root, "app");
        Directory.CreateDirectory(app);
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                    ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        File.WriteAllText(Path.Combine(app, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="machine-cache" value="{cache}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <RestorePackagesPath>{Path.Combine(_root, "packages")}</RestorePackagesPath>
                <NuGetAudit>false</NuGetAudit>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Ppl" Version="0.1.0" />
                <PackageReference Include="Ppl.Inference" Version="0.1.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Models.cs"), """
            using Ppl.Modeling;
            using static Ppl.Dist;
            using static Ppl.Modeling.Effects;

            public static partial class Models
            {
                [Model]
                public static double Mean(double y)
                {
                    var mu = Sample(Normal(0, 1));
                    Observe(Normal(mu, 1), y, "y");
                    return mu;
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
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using Ppl;
            using Ppl.Inference.Importance;

            var posterior = ImportanceSampling.Run(Models.MeanModel, 2.0, ChoiceMap.Empty, 20_000, new Rng(1));
            Console.WriteLine(FormattableString.Invariant($"posterior mean {posterior.Mean(t => t.Get<double>("mu")):F2}"));
            """);

        // The first build compiles, so the generator's warnings appear in its output.
        var build = Dotnet(app, "build");
        Assert.Contains("PPL0003", build, StringComparison.Ordinal);
        Assert.Contains("Models.cs", build, StringComparison.Ordinal);

        // -getItem prints the compiler's analyzer list after the build; it needs -restore and -t:Build spelled out.
        var analyzers = Dotnet(app, "build", "-restore", "-t:Build", "-getItem:Analyzer");   // incremental: no recompile
        Assert.Contains("Ppl.Generators.dll", analyzers, StringComparison.Ordinal);   // the compiler was given the generator
        var output = Dotnet(app, Path.Combine(app, "bin", "Debug", "net10.0", "App.dll"));
        Assert.Contains("posterior mean 1.0", output, StringComparison.Ordinal);       // a generated model; exact: N(1, 1/2)
    }

    /// <summary>Runs the dotnet CLI and returns its output; fails the test with the output on a non-zero exit.</summary>
    private static string Dotnet(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (args[0] is "msbuild" or "build") info.ArgumentList.Add("-nodeReuse:false");   // no build server outlives the test
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        // The test host runs under `dotnet test`; its MSBuild settings must not leak into a separate build.
        foreach (var name in new[] { "MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath", "MSBuildLoadMicrosoftTargetsReadOnly" })
            info.Environment.Remove(name);
        return ProcessRunner.Run(info, TimeSpan.FromMinutes(5), $"dotnet {string.Join(' ', args)}");
    }
}
