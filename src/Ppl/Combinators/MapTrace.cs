using System.Collections.Immutable;

namespace Ppl;

/// <summary>
/// The trace of a <see cref="Map{TItem, TOut}"/>: one kernel sub-trace per item, kept in a persistent
/// list so that an update that touches k items copies O(k·log n) instead of the whole plate.
/// </summary>
public sealed class MapTrace<TItem, TOut> : ITrace<IReadOnlyList<TItem>, IReadOnlyList<TOut>>
{
    private ChoiceMap? _choices;

    internal MapTrace(Map<TItem, TOut> map, IReadOnlyList<TItem> args, ImmutableList<ITrace<TItem, TOut>> subTraces,
        ImmutableList<TOut> returns, double score)
    {
        Map = map;
        Args = args;
        SubTraces = subTraces;
        Returns = returns;
        Score = score;
    }

    /// <summary>The combinator that made this trace.</summary>
    public Map<TItem, TOut> Map { get; }

    /// <summary>The kernel's trace for each item, by index.</summary>
    public ImmutableList<ITrace<TItem, TOut>> SubTraces { get; }

    internal ImmutableList<TOut> Returns { get; }

    /// <inheritdoc />
    public IReadOnlyList<TItem> Args { get; }

    /// <inheritdoc />
    public IReadOnlyList<TOut> Return => Returns;

    /// <inheritdoc />
    public double Score { get; }

    /// <inheritdoc />
    public ChoiceMap Choices => _choices ??= new IndexedChoiceMap(SubTraces.Count, i => SubTraces[i].Choices);

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Map;

    /// <inheritdoc />
    public IGenerativeFunction<IReadOnlyList<TItem>, IReadOnlyList<TOut>> GenerativeFunction => Map;

    /// <inheritdoc />
    public override string ToString() => $"trace of {Map.Name} ({SubTraces.Count} items, score {Score:G6})";
}
