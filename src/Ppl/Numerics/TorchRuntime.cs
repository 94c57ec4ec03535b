using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Ppl;

/// <summary>
/// Loading TorchSharp's native libraries, with a clear error when that fails, and Ppl's default for libtorch's
/// intra-op thread count. Ppl calls <see cref="EnsureLoaded"/> before its first tensor operation (every tensor
/// distribution does); call it at the start of a program to fail early with <see cref="TorchLoadException"/>.
/// </summary>
/// <remarks>
/// <para>Threads: the first time <see cref="EnsureLoaded"/> runs, Ppl sets libtorch's intra-op thread count to
/// <see cref="Threads"/> (1 unless chosen otherwise). On small machines, and for the small tensors of most models, libtorch's
/// default (one thread per core) made fits several times slower. To choose: set the environment variable
/// <c>PPL_TORCH_THREADS</c> to a count, or to <c>default</c> to keep libtorch's own; or set <see cref="Threads"/> before the first
/// tensor operation; or call <c>torch.set_num_threads(n)</c> after <see cref="EnsureLoaded"/>. When <c>OMP_NUM_THREADS</c> is set,
/// Ppl leaves the count to it.</para>
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The environment variable that chooses the intra-op thread count: a positive count, or <c>default</c>.</summary>
    public const string ThreadsVariable = "PPL_TORCH_THREADS";

    private static readonly object Gate = new();
    private static volatile bool _loaded;
    private static int? _threads = ThreadsFromEnvironment();

    /// <summary>
    /// The intra-op thread count Ppl gives libtorch when <see cref="EnsureLoaded"/> first runs; null leaves libtorch's own
    /// default. Starts as <c>PPL_TORCH_THREADS</c> when that is set (null for <c>default</c>), as null when only
    /// <c>OMP_NUM_THREADS</c> is set, and as 1 otherwise. Setting it after libtorch was loaded applies it at once.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count below 1.</exception>
    public static int? Threads
    {
        get => _threads;
        set
        {
            if (value is < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "The thread count must be at least 1 (null keeps libtorch's default).");
            lock (Gate)
            {
                _threads = value;
                if (_loaded && value is { } n) torch.set_num_threads(n);
            }
        }
    }

    /// <summary>Whether TorchSharp's native libraries have been loaded through <see cref="EnsureLoaded"/>.</summary>
    public static bool IsLoaded => _loaded;

    /// <summary>
    /// Loads TorchSharp's native libraries for the CPU once (later calls return at once) and applies <see cref="Threads"/>.
    /// </summary>
    /// <exception cref="TorchLoadException">
    /// They could not be loaded: the message names the missing library (libtorch, TorchSharp's libLibTorchSharp, or a system
    /// library such as a <c>libstdc++.so.6</c> too old for it), the loader's own words, and the fix.
    /// </exception>
    public static void EnsureLoaded()
    {
        if (_loaded) return;
        lock (Gate)
        {
            if (_loaded) return;
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or EntryPointNotFoundException
                                          or BadImageFormatException or TypeInitializationException or InvalidOperationException)
            {
                var (message, missing) = Diagnose(e);
                throw new TorchLoadException(message, missing, e);
            }
            if (_threads is { } n) torch.set_num_threads(n);
            _loaded = true;
        }
    }

    private static int? ThreadsFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            if (string.Equals(text.Trim(), "default", StringComparison.OrdinalIgnoreCase)) return null;
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1) return n;
        }
        return string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OMP_NUM_THREADS")) ? 1 : null;
    }

    /// <summary>
    /// Finds out which library is missing or does not load: looks for libtorch and TorchSharp's native wrapper where .NET
    /// probes for them, loads each by itself, and turns the loader's error into a message with the fix.
    /// </summary>
    internal static (string Message, string? Missing) Diagnose(Exception failure)
    {
        var os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        var rid = $"{os}-{RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant()}";
        var (wrapperName, torchName) = os switch
        {
            "win" => ("LibTorchSharp.dll", "torch.dll"),
            "osx" => ("libLibTorchSharp.dylib", "libtorch.dylib"),
            _ => ("libLibTorchSharp.so", "libtorch.so"),
        };
        var folders = new List<string> { AppContext.BaseDirectory, Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native") };
        var torchSharpFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (!string.IsNullOrEmpty(torchSharpFolder))
        {
            folders.Add(torchSharpFolder);
            folders.Add(Path.Combine(torchSharpFolder, "runtimes", rid, "native"));
            folders.Add(Path.Combine(torchSharpFolder, "cpu"));
        }
        folders = folders.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        string? Find(string name) => folders.Select(f => Path.Combine(f, name)).FirstOrDefault(File.Exists);

        var sb = new StringBuilder("TorchSharp's native libraries could not be loaded, so tensors cannot be used in this process. ");
        string? missing;
        var torchPath = Find(torchName);
        var wrapperPath = Find(wrapperName);
        if (torchPath is null)
        {
            missing = torchName;
            sb.Append(CultureInfo.InvariantCulture, $"Missing library: {torchName} (libtorch) is in none of {string.Join(", ", folders)}. ");
            sb.Append(os == "linux" && rid == "linux-x64"
                ? "The Ppl package brings it through libtorch-cpu-linux-x64: check that this app references Ppl (or TorchSharp with libtorch-cpu-linux-x64) and was built or published with dotnet build/publish."
                : $"Ppl brings libtorch for Linux x64 only: add the package libtorch-cpu-{rid} (or a CUDA build of libtorch) to this app.");
        }
        else if (TryLoad(torchPath) is { } torchError)
        {
            missing = MissingFrom(torchError) ?? torchName;
            sb.Append(CultureInfo.InvariantCulture, $"Missing library: {missing}. Loading {torchPath} failed: {torchError}");
        }
        else if (wrapperPath is null)
        {
            missing = wrapperName;
            sb.Append(CultureInfo.InvariantCulture, $"Missing library: {wrapperName} (TorchSharp's native part, from the TorchSharp package, runtimes/{rid}/native) is in none of {string.Join(", ", folders)}.");
        }
        else if (TryLoad(wrapperPath) is { } wrapperError)
        {
            missing = MissingFrom(wrapperError) ?? wrapperName;
            sb.Append(CultureInfo.InvariantCulture, $"Missing library: {missing}. Loading {wrapperPath} failed: {wrapperError}");
            if (wrapperError.Contains("GLIBCXX_", StringComparison.Ordinal))
                sb.Append(" The system's libstdc++ is older than the one TorchSharp was built with. Ppl's build step (buildTransitive/Ppl.targets, run after " +
                          "dotnet build and dotnet publish on Linux) marks that requirement weak in libLibTorchSharp.so, which then loads; this copy was not " +
                          "patched (built without the Ppl package's targets, copied by hand, or PplPatchLibTorchSharp=false). Build or publish the app with " +
                          "the dotnet CLI, or install a libstdc++6 from GCC 13 or newer.");
        }
        else
        {
            missing = null;
            sb.Append(CultureInfo.InvariantCulture, $"{torchPath} and {wrapperPath} both load by themselves; TorchSharp said: {failure.Message}");
        }
        return (sb.ToString(), missing);
    }

    /// <summary>Loads a native library by path; returns the loader's error, or null when it loaded.</summary>
    private static string? TryLoad(string path)
    {
        try
        {
            NativeLibrary.Load(path);
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            return e.Message;
        }
    }

    /// <summary>The library the loader's message says is missing ("libfoo.so.1: cannot open …", "libstdc++.so.6: version `GLIBCXX_3.4.32' not found").</summary>
    internal static string? MissingFrom(string loaderError)
    {
        var version = Regex.Match(loaderError, @"([^\s:/]+): version [`']([^']+)' not found");
        if (version.Success) return $"{version.Groups[1].Value} ({version.Groups[2].Value})";
        var file = Regex.Match(loaderError, @"([^\s:/]+): cannot open shared object file");
        return file.Success ? file.Groups[1].Value : null;
    }
}
