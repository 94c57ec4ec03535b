using System.Globalization;
using System.Reflection;
using System.Xml.Linq;
using Xunit;

namespace Ppl.Packaging.Tests;

/// <summary>The test classes that share one <see cref="PackedFeed"/> (and so run one after the other).</summary>
[CollectionDefinition(Name)]
public sealed class PackagingCollection : ICollectionFixture<PackedFeed>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "packed feed";
}

/// <summary>
/// The repository packed once, for every test of the collection: Ppl, Ppl.Inference, Ppl.Plotting, Ppl.Interactive and
/// Ppl.Templates in a local folder feed, in a temporary folder outside the repository (no Directory.Build.* above it).
/// <para>
/// The packages get a version of their own (0.1.0-t + a time stamp), and projects made here restore into a packages
/// folder of their own (the temp NuGet.Config's globalPackagesFolder), so a Ppl 0.1.0 a user packed earlier can never be
/// picked up, and nothing is added to the machine's NuGet cache. That cache is a fallback folder, so TorchSharp and
/// libtorch (600 MB) are used in place, not extracted again. The package sources are the repository's NuGet.Config
/// sources (the machine's registry mirror) after the local feed.
/// </para>
/// </summary>
public sealed class PackedFeed : IDisposable
{
    private readonly Lazy<ConsumerApp> _consumer;

    /// <summary>Packs the repository's packages into a new temporary folder.</summary>
    public PackedFeed()
    {
        Root = Directory.CreateTempSubdirectory("ppl-packaging-").FullName;
        Feed = Path.Combine(Root, "feed");
        Version = "0.1.0-t" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        MachineCache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                       ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

        // All packs in one MSBuild process (each CLI start costs seconds), without building: this test project
        // references every packed project, so they are built in this configuration already.
        var projects = string.Join(";", new[]
        {
            "src/Ppl/Ppl.csproj", "src/Inference/Ppl.Inference.csproj", "src/Ppl.Plotting/Ppl.Plotting.csproj",
            "src/Ppl.Interactive/Ppl.Interactive.csproj", "templates/Ppl.Templates/Ppl.Templates.csproj",
        }.Select(p => Path.Combine(RepoRoot, p)));
        var packProject = Path.Combine(Root, "pack.proj");
        File.WriteAllText(packProject, $"""
            <Project>
              <Target Name="PackAll">
                <MSBuild Projects="{projects}" Targets="Pack" Properties="Configuration={Configuration};NoBuild=true;PackageOutputPath={Feed};Version={Version}" />
              </Target>
            </Project>
            """);
        Cli.Dotnet(Root, "msbuild", packProject, "-t:PackAll", "-v:m");

        File.WriteAllText(Path.Combine(Root, "NuGet.Config"), NuGetConfig());
        _consumer = new Lazy<ConsumerApp>(() => ConsumerApp.Create(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The temporary folder: the feed, NuGet.Config, and the projects the tests make.</summary>
    public string Root { get; }

    /// <summary>The local feed with the packed packages.</summary>
    public string Feed { get; }

    /// <summary>The version every package was packed with (Ppl.Interactive's too).</summary>
    public string Version { get; }

    /// <summary>The machine's NuGet cache, a fallback packages folder for the projects made here.</summary>
    public string MachineCache { get; }

    /// <summary>The console project made with <c>dotnet new console</c> and <c>dotnet add package</c>, built once on first use.</summary>
    public ConsumerApp Consumer => _consumer.Value;

    /// <summary>The build configuration of this test assembly, which the packed projects were built in.</summary>
    public static string Configuration =>
        typeof(PackedFeed).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The repository's root: the folder with Ppl.sln above this assembly.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The full path of a package file in the feed.</summary>
    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>Deletes the temporary folder.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }                   // a process may still hold a file; the temp folder is reclaimed later
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>The local feed first, then the repository's own package sources; own packages folder, the machine's cache as fallback.</summary>
    private string NuGetConfig()
    {
        var repoConfig = XDocument.Load(Path.Combine(RepoRoot, "NuGet.Config"));
        var sources = repoConfig.Root!.Element("packageSources")!.Elements("add")
            .Select(a => new XElement("add", new XAttribute("key", (string)a.Attribute("key")!), new XAttribute("value", (string)a.Attribute("value")!)));
        var config = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", Path.Combine(Root, "packages")))),
            new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "ppl-local"), new XAttribute("value", Feed)), sources),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine-cache"), new XAttribute("value", MachineCache))));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), config).ToString();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ppl.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Ppl.sln above {AppContext.BaseDirectory}.");
    }
}
