namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// A word-level tokenizer: the most frequent words of the training text get ids 1 … V − 1 (ties broken by the word,
/// so the vocabulary is a function of the text alone) and every other word maps to <see cref="Unknown"/> (id 0).
/// </summary>
public sealed class WordVocabulary
{
    /// <summary>The id of every word outside the vocabulary.</summary>
    public const int Unknown = 0;

    /// <summary>The spelling of <see cref="Unknown"/>.</summary>
    public const string UnknownWord = "<unk>";

    private readonly string[] _words;
    private readonly Dictionary<string, int> _ids;

    private WordVocabulary(string[] words)
    {
        _words = words;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < words.Length; i++) _ids[words[i]] = i;
    }

    /// <summary>The <paramref name="size"/> − 1 most frequent words of <paramref name="sentences"/> plus <see cref="UnknownWord"/>.</summary>
    public static WordVocabulary Build(IEnumerable<IReadOnlyList<string>> sentences, int size)
    {
        ArgumentNullException.ThrowIfNull(sentences);
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "A vocabulary needs the unknown word and at least one more.");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var s in sentences)
            foreach (var w in s)
            {
                if (w == UnknownWord) continue;
                counts[w] = counts.TryGetValue(w, out var c) ? c + 1 : 1;
            }
        var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(size - 1).Select(kv => kv.Key);
        return new WordVocabulary(new[] { UnknownWord }.Concat(top).ToArray());
    }

    /// <summary>The number of ids.</summary>
    public int Count => _words.Length;

    /// <summary>The words by id.</summary>
    public IReadOnlyList<string> Words => _words;

    /// <summary>The id of <paramref name="word"/> (<see cref="Unknown"/> when it is not in the vocabulary).</summary>
    public int Id(string word) => _ids.TryGetValue(word, out var id) ? id : Unknown;

    /// <summary>The ids of a sentence.</summary>
    public int[] Encode(IEnumerable<string> words) => words.Select(Id).ToArray();

    /// <summary>One stream of ids: the sentences in order.</summary>
    public int[] EncodeStream(IEnumerable<IReadOnlyList<string>> sentences) => sentences.SelectMany(s => s.Select(Id)).ToArray();

    /// <summary>The words of <paramref name="ids"/> joined by spaces.</summary>
    public string Decode(IEnumerable<int> ids) => string.Join(' ', ids.Select(i =>
        (uint)i < (uint)_words.Length ? _words[i] : throw new ArgumentOutOfRangeException(nameof(ids), i, $"Ids are 0 … {_words.Length - 1}.")));

    /// <summary>The fraction of the words of <paramref name="sentences"/> that the vocabulary covers.</summary>
    public double Coverage(IEnumerable<IReadOnlyList<string>> sentences)
    {
        long known = 0, all = 0;
        foreach (var s in sentences)
            foreach (var w in s) { all++; if (Id(w) != Unknown) known++; }
        return all == 0 ? 0 : (double)known / all;
    }
}
