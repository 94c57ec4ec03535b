using System.Text.RegularExpressions;

namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// The Brown corpus as lower-cased word sentences: each tagged token <c>word/tag</c> keeps its word; words with a
/// letter or digit are kept (with inner apostrophes and hyphens), as are full stops and commas; other punctuation
/// and the quote marks <c>``</c> and <c>''</c> are dropped. Documents are split into training and held-out text by
/// document, so that no held-out sentence's neighbours were seen in training.
/// </summary>
public sealed partial class BrownCorpus
{
    private BrownCorpus(IReadOnlyList<IReadOnlyList<string[]>> documents, IReadOnlyList<string> names)
    {
        Documents = documents;
        DocumentNames = names;
    }

    /// <summary>Each document's sentences, each a sequence of words.</summary>
    public IReadOnlyList<IReadOnlyList<string[]>> Documents { get; }

    /// <summary>The document names (Brown's sample ids, e.g. <c>ca01</c>).</summary>
    public IReadOnlyList<string> DocumentNames { get; }

    /// <summary>The number of words kept.</summary>
    public long Words => Documents.Sum(d => d.Sum(s => (long)s.Length));

    /// <summary>Reads the corpus from the package's files (Brown sample files are named like <c>ca01</c>; others are ignored).</summary>
    public static BrownCorpus FromFiles(IReadOnlyDictionary<string, string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var names = files.Keys.Where(k => SampleName().IsMatch(k)).OrderBy(k => k, StringComparer.Ordinal).ToArray();
        if (names.Length == 0) throw new InvalidDataException("No Brown sample files (named like 'ca01') in the package.");
        return new BrownCorpus(names.Select(n => ParseDocument(files[n])).ToArray(), names);
    }

    /// <summary>The sentences of one tagged document: one per non-blank line.</summary>
    public static IReadOnlyList<string[]> ParseDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<string[]>();
        foreach (var line in text.Split('\n'))
        {
            var words = new List<string>();
            foreach (var token in line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            {
                var slash = token.LastIndexOf('/');
                var word = (slash > 0 ? token[..slash] : token).ToLowerInvariant();
                if (word is "." or "," || KeptWord().IsMatch(word)) words.Add(word);
            }
            if (words.Count > 0) sentences.Add(words.ToArray());
        }
        return sentences;
    }

    /// <summary>Every <paramref name="heldOutEvery"/>-th document (starting with the first) is held out; the rest is training text.</summary>
    public (IReadOnlyList<string[]> Training, IReadOnlyList<string[]> HeldOut) Split(int heldOutEvery = 10)
    {
        if (heldOutEvery < 2) throw new ArgumentOutOfRangeException(nameof(heldOutEvery), heldOutEvery, "Hold out at most every second document.");
        var training = new List<string[]>();
        var heldOut = new List<string[]>();
        for (var d = 0; d < Documents.Count; d++) (d % heldOutEvery == 0 ? heldOut : training).AddRange(Documents[d]);
        return (training, heldOut);
    }

    [GeneratedRegex(@"^c[a-r]\d\d$")]
    private static partial Regex SampleName();

    [GeneratedRegex(@"^[a-z0-9](?:[a-z0-9'\-]*[a-z0-9])?$")]
    private static partial Regex KeptWord();
}
