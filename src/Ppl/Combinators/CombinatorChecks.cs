namespace Ppl;

/// <summary>Argument and constraint checks shared by the combinators, so their errors read alike.</summary>
internal static class CombinatorChecks
{
    /// <summary>
    /// Throws <see cref="UnvisitedConstraintsException"/> when <paramref name="constraints"/> has anything
    /// outside the integer addresses 0…count−1, naming the nearest addresses the combinator does have.
    /// Returns the constrained indices (in range), in increasing order.
    /// </summary>
    public static List<int> CheckIndexed(string name, ChoiceMap constraints, int count, Func<int, ChoiceMap>? existing = null)
    {
        var indices = new List<int>();
        if (constraints.IsEmpty) return indices;
        List<Address>? bad = null;
        // Only the in-range index nearest the wanted one is offered: edit distance on the path text would
        // otherwise call '0/x' closer to '10/x' than '9/x'.
        var nearest = new List<int>();
        foreach (var (segment, sub) in constraints.Submaps)
        {
            if (sub.IsEmpty) continue;
            if (!segment.IsName && segment.Index >= 0 && segment.Index < count)
            {
                indices.Add(segment.Index);
                continue;
            }
            bad ??= new();
            foreach (var (a, _) in sub.Leaves) bad.Add(new Address(segment) / a);
            if (count > 0)
            {
                var wanted = segment.IsName ? 0 : Math.Clamp(segment.Index, 0, count - 1);
                if (!nearest.Contains(wanted)) nearest.Add(wanted);
            }
        }
        if (constraints.HasValue)
            (bad ??= new()).Add(Address.Root);
        if (bad is not null)
        {
            var candidates = new List<Address>();
            foreach (var j in nearest)
            {
                candidates.Add(j);
                if (existing is not null)
                    foreach (var (a, _) in existing(j).Leaves) candidates.Add(new Address(j) / a);
            }
            throw new UnvisitedConstraintsException(name, bad, bad.Select(u => Nearest(u, candidates)).OfType<Address>().Distinct().ToList());
        }
        indices.Sort();
        return indices;
    }

    /// <summary>
    /// The kernel at <paramref name="index"/> rejected its constraints with addresses relative to itself;
    /// re-raise with addresses relative to the combinator, so that callers (replay, nested combinators)
    /// can act on them. The kernel's own addresses, found by simulating it once on a throw-away stream,
    /// are offered as the closest candidates.
    /// </summary>
    public static UnvisitedConstraintsException Prefixed(string name, int index, UnvisitedConstraintsException inner, Func<Rng, ChoiceMap> simulateKernel)
    {
        var candidates = new List<Address>();
        try
        {
            foreach (var (a, _) in simulateKernel(new Rng(0)).Leaves) candidates.Add(new Address(index) / a);
        }
        catch (Exception)
        {
            // Only a hint for the message: a kernel that cannot run here leaves the candidate list empty.
        }
        var unvisited = inner.Unvisited.Select(a => new Address(index) / a).ToList();
        return new UnvisitedConstraintsException(name, unvisited, unvisited.Select(u => Nearest(u, candidates)).OfType<Address>().Distinct().ToList());
    }

    /// <summary>
    /// The candidate nearest <paramref name="wanted"/> by structure: the longest run of equal leading
    /// segments, then the smallest numeric gap between index segments. The exception's own edit distance
    /// on the path text would call '0/x' closer to '7/x' than '6/x'; narrowing the candidates first
    /// keeps its suggestion sensible.
    /// </summary>
    public static Address? Nearest(Address wanted, IEnumerable<Address> candidates)
    {
        Address? best = null;
        var bestKey = (Common: -1, Gap: long.MaxValue);
        foreach (var c in candidates)
        {
            var common = 0;
            while (common < wanted.Length && common < c.Length && wanted[common] == c[common]) common++;
            long gap = 1000L * Math.Abs(wanted.Length - c.Length);
            for (var k = common; k < Math.Min(wanted.Length, c.Length); k++)
            {
                var (a, b) = (wanted[k], c[k]);
                gap += !a.IsName && !b.IsName ? Math.Abs((long)a.Index - b.Index) : a == b ? 0 : 1000;
            }
            if (common > bestKey.Common || (common == bestKey.Common && gap < bestKey.Gap))
            {
                best = c;
                bestKey = (common, gap);
            }
        }
        return best;
    }

    /// <summary>True when two argument values are the same (by equality or by reference).</summary>
    public static bool Same<T>(T a, T b) =>
        // The value-type test is folded by the JIT, so states such as doubles are compared without boxing.
        typeof(T).IsValueType ? EqualityComparer<T>.Default.Equals(a, b) : ReferenceEquals(a, b) || EqualityComparer<T>.Default.Equals(a, b);

    /// <summary>The error for a trace made by another generative function.</summary>
    public static ArgumentException Foreign(string kind, string name, ITrace trace) =>
        new($"The trace was not produced by {kind} '{name}' (it comes from '{trace.Function.Name}' of type {trace.GetType().Name}).", nameof(trace));
}
