namespace Ppl.Dynamic;

/// <summary>
/// The trace of a <see cref="DynamicModel{TArgs, TRet}"/>: flat tables of choices, observations and
/// sub-calls keyed by the model's own (relative) addresses. It is immutable once built; updates build a
/// new trace. The hierarchical <see cref="Choices"/> view is built on first use.
/// </summary>
public sealed class DynamicTrace<TArgs, TRet> : ITrace<TArgs, TRet>
{
    private ChoiceMap? _choices;

    internal DynamicTrace(
        DynamicModel<TArgs, TRet> model,
        TArgs args,
        TRet returnValue,
        double score,
        double factors,
        Dictionary<Address, ChoiceRecord> choices,
        Dictionary<Address, ChoiceRecord> observations,
        Dictionary<Address, ITrace> calls)
    {
        Model = model;
        Args = args;
        Return = returnValue;
        Score = score;
        FactorTotal = factors;
        ChoiceRecords = choices;
        ObservationRecords = observations;
        CallRecords = calls;
    }

    /// <summary>The model that made this trace.</summary>
    public DynamicModel<TArgs, TRet> Model { get; }

    /// <inheritdoc />
    public TArgs Args { get; }

    /// <inheritdoc />
    public TRet Return { get; }

    /// <inheritdoc />
    public double Score { get; }

    /// <summary>Sum of the factors of this run (not of sub-calls).</summary>
    public double FactorTotal { get; }

    internal Dictionary<Address, ChoiceRecord> ChoiceRecords { get; }

    internal Dictionary<Address, ChoiceRecord> ObservationRecords { get; }

    internal Dictionary<Address, ITrace> CallRecords { get; }

    /// <summary>The observations of this run (not of sub-calls), by address.</summary>
    public IReadOnlyDictionary<Address, object> Observations =>
        ObservationRecords.ToDictionary(kv => kv.Key, kv => kv.Value.Value);

    /// <summary>The sub-call traces of this run, by address.</summary>
    public IReadOnlyDictionary<Address, ITrace> Calls => CallRecords;

    /// <summary>The log density of the choice at a (relative) address of this run.</summary>
    public double LogDensityAt(Address address) =>
        ChoiceRecords.TryGetValue(address, out var r) ? r.LogDensity : throw new KeyNotFoundException($"No choice at '{address}'.");

    /// <inheritdoc />
    public ChoiceMap Choices => _choices ??= BuildChoices();

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Model;

    /// <inheritdoc />
    public IGenerativeFunction<TArgs, TRet> GenerativeFunction => Model;

    private ChoiceMap BuildChoices()
    {
        var map = ChoiceMap.Empty;
        foreach (var (a, r) in ChoiceRecords) map = map.Set(a, r.Value);
        foreach (var (a, t) in CallRecords) map = map.SetSubmap(a, t.Choices);
        return map;
    }

    /// <inheritdoc />
    public override string ToString() => $"trace of {Model.Name} (score {Score:G6})\n{Choices}";
}
