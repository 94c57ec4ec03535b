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
    public ChoiceMap Choices => _choices ??= new DynamicChoiceMap(this);

    /// <inheritdoc />
    public object? ArgsObject => Args;

    /// <inheritdoc />
    public object? ReturnObject => Return;

    /// <inheritdoc />
    public IGenerativeFunction Function => Model;

    /// <inheritdoc />
    public IGenerativeFunction<TArgs, TRet> GenerativeFunction => Model;

    internal ChoiceMap BuildChoices()
    {
        var map = ChoiceMap.Empty;
        foreach (var (a, r) in ChoiceRecords) map = map.Set(a, r.Value);
        foreach (var (a, t) in CallRecords) map = map.SetSubmap(a, t.Choices);
        return map;
    }

    /// <inheritdoc />
    public override string ToString() => $"trace of {Model.Name} (score {Score:G6})\n{Choices}";

    /// <summary>
    /// The trace's choices as a choice map: single-address lookups go straight to the flat tables (the
    /// common case in inference loops); the hierarchical trie is built only when walked.
    /// </summary>
    private sealed class DynamicChoiceMap(DynamicTrace<TArgs, TRet> trace) : ChoiceMap
    {
        private ChoiceMap? _trie;

        private ChoiceMap Trie => _trie ??= trace.BuildChoices();

        public override bool IsEmpty => trace.ChoiceRecords.Count == 0 && trace.CallRecords.Values.All(c => c.Choices.IsEmpty);

        public override bool HasValue => false;

        public override object Value => Trie.Value;

        public override ChoiceMap GetSubmap(AddressSegment segment) => Trie.GetSubmap(segment);

        public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps => Trie.Submaps;

        public override bool TryGetValue(Address address, out object? value)
        {
            if (trace.ChoiceRecords.TryGetValue(address, out var r))
            {
                value = r.Value;
                return true;
            }
            if (trace.CallRecords.Count > 0)
                for (var k = 1; k < address.Length; k++)
                    if (trace.CallRecords.TryGetValue(new Address(address.Segments[..k].ToArray()), out var sub))
                        return sub.Choices.TryGetValue(new Address(address.Segments[k..].ToArray()), out value);
            value = null;
            return false;
        }
    }
}
