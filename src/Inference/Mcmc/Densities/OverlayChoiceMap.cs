namespace Ppl.Inference.Mcmc;

/// <summary>
/// A choice map that reads like <c>base.Set(a₁, v₁)…Set(aₖ, vₖ)</c> for top-level addresses aᵢ that the
/// base already holds, without copying the base's trie: the numerical gradient of a trace density
/// assesses the model a few times per coordinate, and rebuilding the persistent map for every call cost
/// more than the model itself.
/// </summary>
internal sealed class OverlayChoiceMap : ChoiceMap
{
    private readonly ChoiceMap _base;
    private readonly AddressSegment[] _segments;
    private readonly Leaf[] _leaves;

    /// <summary>Overlays values at <paramref name="segments"/>, each a top-level leaf of <paramref name="baseMap"/>.</summary>
    public OverlayChoiceMap(ChoiceMap baseMap, AddressSegment[] segments, double[] values)
    {
        _base = baseMap;
        _segments = segments;
        _leaves = new Leaf[segments.Length];
        for (var i = 0; i < segments.Length; i++) _leaves[i] = new Leaf(values[i]);
    }

    /// <inheritdoc />
    public override bool IsEmpty => _base.IsEmpty && _segments.Length == 0;

    /// <inheritdoc />
    public override bool HasValue => false;

    /// <inheritdoc />
    public override object Value => throw new InvalidOperationException("The root of a choice map holds no value.");

    /// <inheritdoc />
    public override int Count => _base.Count;

    /// <inheritdoc />
    public override ChoiceMap GetSubmap(AddressSegment segment)
    {
        for (var i = 0; i < _segments.Length; i++)
            if (_segments[i].Equals(segment)) return _leaves[i];
        return _base.GetSubmap(segment);
    }

    /// <inheritdoc />
    public override bool TryGetValue(Address address, out object? value)
    {
        if (!address.IsRoot && address.Rest.IsRoot)
        {
            var first = address.First;
            for (var i = 0; i < _segments.Length; i++)
                if (_segments[i].Equals(first))
                {
                    value = _leaves[i].Value;
                    return true;
                }
        }
        return _base.TryGetValue(address, out value);
    }

    /// <inheritdoc />
    public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps =>
        _base.Submaps.Select(kv => new KeyValuePair<AddressSegment, ChoiceMap>(kv.Key, GetSubmap(kv.Key)));

    private sealed class Leaf(object value) : ChoiceMap
    {
        public override bool IsEmpty => false;

        public override bool HasValue => true;

        public override object Value { get; } = value;

        public override int Count => 1;

        public override ChoiceMap GetSubmap(AddressSegment segment) => Empty;

        public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps => [];
    }
}
