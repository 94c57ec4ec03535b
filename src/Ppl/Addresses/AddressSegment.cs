namespace Ppl;

/// <summary>
/// One step of a hierarchical <see cref="Address"/>: either a name (<c>"y"</c>) or an integer index
/// (<c>3</c>). A segment is a small value type so that addresses built in loops cost no allocation
/// beyond their segment array.
/// </summary>
public readonly struct AddressSegment : IEquatable<AddressSegment>, IComparable<AddressSegment>
{
    private readonly string? _name;
    private readonly int _index;

    /// <summary>Creates a named segment.</summary>
    /// <param name="name">The segment's name; must be non-empty and must not contain '/'.</param>
    public AddressSegment(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/'))
            throw new ArgumentException($"An address segment cannot contain '/': \"{name}\". Use Address.Parse for paths.", nameof(name));
        _name = name;
        _index = 0;
    }

    /// <summary>Creates an integer segment.</summary>
    /// <param name="index">The index, e.g. a loop variable.</param>
    public AddressSegment(int index)
    {
        _name = null;
        _index = index;
    }

    /// <summary>True when the segment is a name, false when it is an integer index.</summary>
    public bool IsName => _name is not null;

    /// <summary>The name; throws for an integer segment.</summary>
    public string Name => _name ?? throw new InvalidOperationException($"Segment {_index} is an index, not a name.");

    /// <summary>The index; throws for a named segment.</summary>
    public int Index => _name is null ? _index : throw new InvalidOperationException($"Segment \"{_name}\" is a name, not an index.");

    /// <summary>Converts a name to a segment.</summary>
    public static implicit operator AddressSegment(string name) => new(name);

    /// <summary>Converts an index to a segment.</summary>
    public static implicit operator AddressSegment(int index) => new(index);

    /// <inheritdoc />
    public bool Equals(AddressSegment other) =>
        _name is null ? other._name is null && _index == other._index : string.Equals(_name, other._name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AddressSegment s && Equals(s);

    /// <inheritdoc />
    public override int GetHashCode() => _name is null ? _index * -1640531535 : StringComparer.Ordinal.GetHashCode(_name);

    /// <summary>Orders indices before names, indices numerically and names ordinally.</summary>
    public int CompareTo(AddressSegment other)
    {
        if (_name is null) return other._name is null ? _index.CompareTo(other._index) : -1;
        return other._name is null ? 1 : string.CompareOrdinal(_name, other._name);
    }

    /// <summary>Equality of segments.</summary>
    public static bool operator ==(AddressSegment a, AddressSegment b) => a.Equals(b);

    /// <summary>Inequality of segments.</summary>
    public static bool operator !=(AddressSegment a, AddressSegment b) => !a.Equals(b);

    /// <inheritdoc />
    public override string ToString() => _name ?? _index.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
