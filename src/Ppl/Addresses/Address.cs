using System.Globalization;
using System.Text;

namespace Ppl;

/// <summary>
/// A hierarchical address of a random choice, such as <c>slope</c>, <c>y/3</c> or <c>step/4/x</c>.
/// Addresses are immutable values; equality is by segments. Build them with the implicit conversions
/// from <see cref="string"/> and <see cref="int"/> and the <c>/</c> operator:
/// <code>Address a = "y"; var b = a / 3;   // y/3</code>
/// <see cref="Rest"/> is free (it shares the segment array), which is what hierarchical choice maps
/// and nested generative functions need when they strip the first segment.
/// </summary>
public readonly struct Address : IEquatable<Address>, IComparable<Address>
{
    private readonly AddressSegment[]? _segments;
    private readonly int _start;

    private Address(AddressSegment[] segments, int start)
    {
        _segments = segments;
        _start = start;
    }

    /// <summary>Creates an address from its segments.</summary>
    public Address(params AddressSegment[] segments)
    {
        _segments = segments.Length == 0 ? null : (AddressSegment[])segments.Clone();
        _start = 0;
    }

    /// <summary>Creates a two-segment address such as <c>y/3</c> (no array copy: the common case in loops).</summary>
    public Address(AddressSegment first, AddressSegment second)
    {
        _segments = new[] { first, second };
        _start = 0;
    }

    /// <summary>The empty address, the root of a choice map.</summary>
    public static Address Root => default;

    /// <summary>Number of segments.</summary>
    public int Length => _segments is null ? 0 : _segments.Length - _start;

    /// <summary>True for the root (no segments).</summary>
    public bool IsRoot => Length == 0;

    /// <summary>The i-th segment.</summary>
    public AddressSegment this[int i] =>
        (uint)i < (uint)Length ? _segments![_start + i] : throw new ArgumentOutOfRangeException(nameof(i));

    /// <summary>The first segment; throws on the root.</summary>
    public AddressSegment First => !IsRoot ? _segments![_start] : throw new InvalidOperationException("The root address has no segments.");

    /// <summary>The last segment; throws on the root.</summary>
    public AddressSegment Last => !IsRoot ? _segments![^1] : throw new InvalidOperationException("The root address has no segments.");

    /// <summary>All segments but the first (free: shares storage).</summary>
    public Address Rest => Length <= 1 ? Root : new Address(_segments!, _start + 1);

    /// <summary>The segments of this address.</summary>
    public ReadOnlySpan<AddressSegment> Segments => _segments is null ? default : _segments.AsSpan(_start);

    /// <summary>Converts a name to a one-segment address.</summary>
    public static implicit operator Address(string name) => new(new[] { new AddressSegment(name) }, 0);

    /// <summary>Converts an index to a one-segment address.</summary>
    public static implicit operator Address(int index) => new(new[] { new AddressSegment(index) }, 0);

    /// <summary>Converts a segment to a one-segment address.</summary>
    public static implicit operator Address(AddressSegment segment) => new(new[] { segment }, 0);

    /// <summary>Appends one segment.</summary>
    public static Address operator /(Address prefix, AddressSegment segment)
    {
        var n = prefix.Length;
        var segs = new AddressSegment[n + 1];
        prefix.Segments.CopyTo(segs);
        segs[n] = segment;
        return new Address(segs, 0);
    }

    /// <summary>Concatenates two addresses.</summary>
    public static Address operator /(Address prefix, Address suffix)
    {
        if (suffix.IsRoot) return prefix;
        if (prefix.IsRoot) return suffix;
        var segs = new AddressSegment[prefix.Length + suffix.Length];
        prefix.Segments.CopyTo(segs);
        suffix.Segments.CopyTo(segs.AsSpan(prefix.Length));
        return new Address(segs, 0);
    }

    /// <summary>Appends a named segment.</summary>
    public static Address operator /(Address prefix, string name) => prefix / new AddressSegment(name);

    /// <summary>Appends an index segment.</summary>
    public static Address operator /(Address prefix, int index) => prefix / new AddressSegment(index);

    /// <summary>True when this address starts with <paramref name="prefix"/> (every address starts with the root).</summary>
    public bool StartsWith(Address prefix)
    {
        if (prefix.Length > Length) return false;
        return Segments[..prefix.Length].SequenceEqual(prefix.Segments);
    }

    /// <summary>
    /// Parses a path such as <c>"step/4/x"</c>; segments made only of digits become indices.
    /// </summary>
    public static Address Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0) return Root;
        var parts = path.Split('/');
        var segs = new AddressSegment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            segs[i] = int.TryParse(parts[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var k)
                ? new AddressSegment(k)
                : new AddressSegment(parts[i]);
        return new Address(segs, 0);
    }

    /// <inheritdoc />
    public bool Equals(Address other) => Segments.SequenceEqual(other.Segments);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Address a && Equals(a);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var s in Segments) h.Add(s);
        return h.ToHashCode();
    }

    /// <summary>Lexicographic order by segments.</summary>
    public int CompareTo(Address other)
    {
        var a = Segments;
        var b = other.Segments;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>Equality of addresses.</summary>
    public static bool operator ==(Address a, Address b) => a.Equals(b);

    /// <summary>Inequality of addresses.</summary>
    public static bool operator !=(Address a, Address b) => !a.Equals(b);

    /// <summary>The path form, e.g. <c>y/3</c>; the root prints as <c>(root)</c>.</summary>
    public override string ToString()
    {
        if (IsRoot) return "(root)";
        var sb = new StringBuilder();
        foreach (var s in Segments)
        {
            if (sb.Length > 0) sb.Append('/');
            sb.Append(s.ToString());
        }
        return sb.ToString();
    }
}
