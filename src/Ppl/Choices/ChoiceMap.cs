using System.Collections.Immutable;
using System.Text;

namespace Ppl;

/// <summary>
/// An immutable hierarchical map from <see cref="Address"/>es to the values of random choices. A node
/// holds either a value (a leaf) or submaps keyed by the next <see cref="AddressSegment"/>. Traces
/// expose their choices as choice maps, and constraints and observations are passed as choice maps.
/// <para>
/// <see cref="Set(Address, object)"/> and <see cref="Merge"/> return new maps that share all untouched
/// structure with the old ones, so extending a map is cheap. Subclasses may be lazy views (a trace's
/// choices are built only when asked for).
/// </para>
/// </summary>
public abstract class ChoiceMap
{
    /// <summary>The map with no choices.</summary>
    public static ChoiceMap Empty { get; } = new TrieChoiceMap(false, null, ImmutableDictionary<AddressSegment, ChoiceMap>.Empty);

    /// <summary>True when the map has neither a value nor any non-empty submap.</summary>
    public abstract bool IsEmpty { get; }

    /// <summary>True when this node is a leaf holding a value.</summary>
    public abstract bool HasValue { get; }

    /// <summary>The value of this leaf; throws when <see cref="HasValue"/> is false.</summary>
    public abstract object Value { get; }

    /// <summary>The submap under one segment, or <see cref="Empty"/>.</summary>
    public abstract ChoiceMap GetSubmap(AddressSegment segment);

    /// <summary>The non-empty submaps of this node, by segment.</summary>
    public abstract IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps { get; }

    /// <summary>The submap at an address (the root address gives this map).</summary>
    public ChoiceMap GetSubmap(Address address)
    {
        var node = this;
        foreach (var s in address.Segments)
        {
            node = node.GetSubmap(s);
            if (node.IsEmpty) return Empty;
        }
        return node;
    }

    /// <summary>Looks up the value at an address.</summary>
    public virtual bool TryGetValue(Address address, out object? value)
    {
        var node = GetSubmap(address);
        if (node.HasValue)
        {
            value = node.Value;
            return true;
        }
        value = null;
        return false;
    }

    /// <summary>True when there is a value at exactly this address.</summary>
    public bool Contains(Address address) => GetSubmap(address).HasValue;

    /// <summary>The value at an address, converted to <typeparamref name="T"/>.</summary>
    /// <exception cref="KeyNotFoundException">No value at the address; the message lists the nearest addresses present.</exception>
    public T Get<T>(Address address)
    {
        if (!TryGetValue(address, out var v))
            throw new KeyNotFoundException($"No choice at address '{address}'.{AddressSuggestions.Hint(address, Leaves.Select(l => l.Address))}");
        return ValueConversion.To<T>(v!, address);
    }

    /// <summary>The value at an address (boxed).</summary>
    public object this[Address address] => Get<object>(address);

    /// <summary>Every leaf with its full address, in a deterministic order.</summary>
    public IEnumerable<(Address Address, object Value)> Leaves
    {
        get
        {
            if (HasValue)
            {
                yield return (Address.Root, Value);
                yield break;
            }
            foreach (var (seg, sub) in Submaps.OrderBy(kv => kv.Key))
                foreach (var (a, v) in sub.Leaves)
                    yield return (new Address(seg) / a, v);
        }
    }

    /// <summary>Number of leaves.</summary>
    public virtual int Count => HasValue ? 1 : Submaps.Sum(kv => kv.Value.Count);

    /// <summary>Returns a map with <paramref name="value"/> at <paramref name="address"/> (replacing any value there).</summary>
    /// <exception cref="ArgumentException">The address is the root, or it would put a value above or below an existing leaf.</exception>
    public ChoiceMap Set(Address address, object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (address.IsRoot) throw new ArgumentException("A choice map cannot hold a value at the root address.", nameof(address));
        return SetAt(TrieChoiceMap.From(this), address, value, address);
    }

    private static TrieChoiceMap SetAt(TrieChoiceMap node, Address rest, object value, Address full)
    {
        if (rest.IsRoot)
        {
            if (!node.IsEmpty && !node.HasValue)
                throw new ArgumentException($"Cannot put a value at '{full}': it already holds choices below it.");
            return new TrieChoiceMap(true, value, ImmutableDictionary<AddressSegment, ChoiceMap>.Empty);
        }
        if (node.HasValue)
            throw new ArgumentException($"Cannot put a value at '{full}': a prefix of it already holds a value.");
        var child = TrieChoiceMap.From(node.GetSubmap(rest.First));
        var updated = SetAt(child, rest.Rest, value, full);
        return new TrieChoiceMap(false, null, node.Children.SetItem(rest.First, updated));
    }

    /// <summary>Returns a map without the value (or submap) at <paramref name="address"/>.</summary>
    public ChoiceMap Without(Address address)
    {
        if (address.IsRoot) return Empty;
        if (GetSubmap(address).IsEmpty) return this;
        return RemoveAt(TrieChoiceMap.From(this), address);
    }

    private static ChoiceMap RemoveAt(TrieChoiceMap node, Address rest)
    {
        if (rest.IsRoot) return Empty;
        var child = TrieChoiceMap.From(node.GetSubmap(rest.First));
        var updated = RemoveAt(child, rest.Rest);
        var children = updated.IsEmpty ? node.Children.Remove(rest.First) : node.Children.SetItem(rest.First, updated);
        return new TrieChoiceMap(node.HasValue, node.HasValue ? node.Value : null, children);
    }

    /// <summary>Returns a map that holds <paramref name="submap"/> under <paramref name="address"/>.</summary>
    public ChoiceMap SetSubmap(Address address, ChoiceMap submap)
    {
        if (address.IsRoot) return Merge(submap);
        var result = this;
        foreach (var (a, v) in submap.Leaves) result = result.Set(address / a, v);
        return result;
    }

    /// <summary>
    /// The union of two maps. Values at the same address are an error unless equal, so that merging
    /// observations with constraints never silently drops one of them.
    /// </summary>
    public ChoiceMap Merge(ChoiceMap other)
    {
        var result = this;
        foreach (var (a, v) in other.Leaves)
        {
            if (result.TryGetValue(a, out var existing) && !Equals(existing, v))
                throw new ArgumentException($"Both choice maps hold a value at '{a}' ({ValueConversion.Describe(existing)} and {ValueConversion.Describe(v)}).");
            result = result.Set(a, v);
        }
        return result;
    }

    /// <summary>Builds a map from address/value pairs.</summary>
    public static ChoiceMap From(params (Address Address, object Value)[] entries)
    {
        var m = Empty;
        foreach (var (a, v) in entries) m = m.Set(a, v);
        return m;
    }

    /// <summary>True when both maps hold the same addresses with equal values.</summary>
    public static bool Equivalent(ChoiceMap a, ChoiceMap b)
    {
        var la = a.Leaves.ToList();
        var lb = b.Leaves.ToList();
        if (la.Count != lb.Count) return false;
        for (var i = 0; i < la.Count; i++)
            if (la[i].Address != lb[i].Address || !ValueConversion.ValuesEqual(la[i].Value, lb[i].Value)) return false;
        return true;
    }

    /// <summary>One line per leaf: <c>address = value</c>.</summary>
    public override string ToString()
    {
        if (IsEmpty) return "(empty choice map)";
        var sb = new StringBuilder();
        foreach (var (a, v) in Leaves) sb.Append(a).Append(" = ").AppendLine(ValueConversion.Describe(v));
        return sb.ToString().TrimEnd();
    }
}

/// <summary>The persistent trie behind <see cref="ChoiceMap.Empty"/>, <see cref="ChoiceMap.Set"/> and friends.</summary>
internal sealed class TrieChoiceMap : ChoiceMap
{
    private readonly bool _hasValue;
    private readonly object? _value;

    internal TrieChoiceMap(bool hasValue, object? value, ImmutableDictionary<AddressSegment, ChoiceMap> children)
    {
        _hasValue = hasValue;
        _value = value;
        Children = children;
    }

    internal ImmutableDictionary<AddressSegment, ChoiceMap> Children { get; }

    internal static TrieChoiceMap From(ChoiceMap map)
    {
        if (map is TrieChoiceMap t) return t;
        if (map.HasValue) return new TrieChoiceMap(true, map.Value, ImmutableDictionary<AddressSegment, ChoiceMap>.Empty);
        var b = ImmutableDictionary.CreateBuilder<AddressSegment, ChoiceMap>();
        foreach (var (s, sub) in map.Submaps) if (!sub.IsEmpty) b[s] = sub;
        return new TrieChoiceMap(false, null, b.ToImmutable());
    }

    public override bool IsEmpty => !_hasValue && Children.IsEmpty;
    public override bool HasValue => _hasValue;
    public override object Value => _hasValue ? _value! : throw new InvalidOperationException("This choice map node holds no value.");
    public override ChoiceMap GetSubmap(AddressSegment segment) => Children.TryGetValue(segment, out var c) ? c : Empty;

    private int _count = -1;

    /// <summary>Cached: the trie is immutable, and handlers compare it with the number of constraints used.</summary>
    public override int Count => _count >= 0 ? _count : _count = base.Count;
    public override IEnumerable<KeyValuePair<AddressSegment, ChoiceMap>> Submaps => Children;
}
