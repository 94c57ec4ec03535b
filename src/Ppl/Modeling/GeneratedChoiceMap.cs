namespace Ppl.Modeling;

/// <summary>
/// A generated trace's choices as a choice map. Single-address lookups read the slot arrays; the trie is
/// built only when walked. Generated operations recognise this map and read its storage directly, which
/// is what makes <c>Assess(args, trace.Choices)</c> allocation-free.
/// </summary>
internal sealed class GeneratedChoiceMap(TraceStore store, ModelMetadata metadata) : ChoiceMap
{
    private ChoiceMap? _trie;

    public TraceStore Store => store;

    public ModelMetadata Metadata => metadata;

    private ChoiceMap Trie => _trie ??= Build();

    private ChoiceMap Build()
    {
        var map = Empty;
        for (var k = 0; k < store.Tag.Length; k++)
        {
            if (store.HasChoice(k)) map = map.Set(metadata.StaticSites[k].Address, store.Boxed(k));
            else if (store.CallAt(k) is { } t) map = map.SetSubmap(metadata.StaticSites[k].Address, t.Choices);
        }
        if (store.Family is { } f)
            foreach (var (a, e) in f) map = map.Set(a, e.Boxed);
        if (store.FamilyCalls is { } c)
            foreach (var (a, t) in c) map = map.SetSubmap(a, t.Choices);
        return map;
    }

    public override bool IsEmpty
    {
        get
        {
            for (var k = 0; k < store.Tag.Length; k++)
            {
                if (store.HasChoice(k)) return false;
                if (store.CallAt(k) is { } t && !t.Choices.IsEmpty) return false;
            }
            return (store.Family is null || store.Family.Count == 0)
                   && (store.FamilyCalls is null || store.FamilyCalls.Values.All(t => t.Choices.IsEmpty));
        }
    }

    public override bool HasValue => false;

    public override object Value => Trie.Value;

    public override ChoiceMap GetSubmap(AddressSegment segment) => Trie.GetSubmap(segment);

    public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps => Trie.Submaps;

    public override bool TryGetValue(Address address, out object? value)
    {
        if (metadata.TryGetSlot(address, out var k) && store.HasChoice(k))
        {
            value = store.Boxed(k);
            return true;
        }
        if (store.Family is { } f && f.TryGetValue(address, out var e))
        {
            value = e.Boxed;
            return true;
        }
        for (var n = 1; n < address.Length; n++)
        {
            var prefix = new Address(address.Segments[..n].ToArray());
            ITrace? sub = metadata.TryGetSlot(prefix, out var j) ? store.CallAt(j) : null;
            if (sub is null && store.FamilyCalls is { } c) c.TryGetValue(prefix, out sub);
            if (sub is not null) return sub.Choices.TryGetValue(new Address(address.Segments[n..].ToArray()), out value);
        }
        value = null;
        return false;
    }
}
