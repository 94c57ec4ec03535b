namespace Ppl;

/// <summary>Finds the address a user most likely meant, for error messages.</summary>
internal static class AddressSuggestions
{
    /// <summary>The candidate closest to <paramref name="wanted"/> by edit distance on the path text, or null.</summary>
    public static Address? Closest(Address wanted, IEnumerable<Address> candidates)
    {
        var w = wanted.ToString();
        Address? best = null;
        var bestDistance = int.MaxValue;
        foreach (var c in candidates)
        {
            var d = EditDistance(w, c.ToString());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }

    /// <summary>" Did you mean 'x'?" or an empty string.</summary>
    public static string Hint(Address wanted, IEnumerable<Address> candidates) =>
        Closest(wanted, candidates) is { } c ? $" The closest address the model has is '{c}'." : "";

    private static int EditDistance(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) prev[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (var j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
