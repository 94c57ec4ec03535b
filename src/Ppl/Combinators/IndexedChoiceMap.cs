namespace Ppl;

/// <summary>
/// A read-only view of <c>count</c> sub-maps placed under the integer addresses 0…count−1: the choices of
/// a combinator trace. It is built in O(1) over the trace's persistent list of sub-traces, so a trace
/// that is never inspected never pays for a merged choice map.
/// </summary>
internal sealed class IndexedChoiceMap : ChoiceMap
{
    private readonly int _count;
    private readonly Func<int, ChoiceMap> _item;
    private bool? _isEmpty;

    public IndexedChoiceMap(int count, Func<int, ChoiceMap> item)
    {
        _count = count;
        _item = item;
    }

    // Cached because the view is immutable and the check visits every sub-map.
    public override bool IsEmpty => _isEmpty ??= ComputeIsEmpty();

    public override bool HasValue => false;

    public override object Value => throw new InvalidOperationException("A combinator's choice map holds sub-maps, not a value, at its root.");

    public override ChoiceMap GetSubmap(AddressSegment segment) =>
        !segment.IsName && segment.Index >= 0 && segment.Index < _count ? _item(segment.Index) : Empty;

    public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps
    {
        get
        {
            for (var i = 0; i < _count; i++)
            {
                var sub = _item(i);
                if (!sub.IsEmpty) yield return new(new AddressSegment(i), sub);
            }
        }
    }

    private bool ComputeIsEmpty()
    {
        for (var i = 0; i < _count; i++)
            if (!_item(i).IsEmpty) return false;
        return true;
    }
}
