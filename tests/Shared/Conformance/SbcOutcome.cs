namespace Ppl.Inference.Tests.Conformance;

/// <summary>The result of one SBC run on a <see cref="ConformanceCase"/>.</summary>
/// <param name="Case">The case's name.</param>
/// <param name="Names">The ranked quantities.</param>
/// <param name="Chi2">The chi-square statistic of each quantity's binned ranks.</param>
/// <param name="P">Its p-value under uniform ranks.</param>
/// <param name="Divergences">Divergent transitions after warm-up, over all replicates.</param>
/// <param name="Elapsed">Wall-clock time of the run.</param>
public sealed record SbcOutcome(string Case, IReadOnlyList<string> Names, double[] Chi2, double[] P, int Divergences, TimeSpan Elapsed)
{
    /// <summary>Each replicate's rank of each quantity's truth (replicate, quantity), or null.</summary>
    public IReadOnlyList<int[]>? Ranks { get; init; }

    /// <summary>Each replicate's divergent transitions after warm-up, or null.</summary>
    public IReadOnlyList<int>? ReplicateDivergences { get; init; }

    /// <summary>Whether every quantity's ranks pass the uniformity test: each p-value above <see cref="ConformanceSbc.Alpha"/>.</summary>
    public bool Passed => P.All(p => p > ConformanceSbc.Alpha);

    /// <summary>The outcome as the bench command reports it: the smallest p-value, each quantity's p-value, the divergences and the seconds.</summary>
    public Dictionary<string, object> Figures() => new()
    {
        ["min_p"] = P.Min(),
        ["p"] = Names.Select((n, k) => (n, P[k])).ToDictionary(x => x.n, x => x.Item2),
        ["divergences"] = Divergences,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 1),
    };

    /// <summary>One line: each quantity's chi-square and p-value, the divergences and the time.</summary>
    public override string ToString() =>
        $"{Case}: " + string.Join(", ", Names.Select((n, k) => $"{n} chi2={Chi2[k]:F1} p={P[k]:G3}")) +
        $"; {Divergences} divergences; {Elapsed.TotalSeconds:F1} s";
}
