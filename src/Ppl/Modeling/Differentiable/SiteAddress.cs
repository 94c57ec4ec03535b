namespace Ppl.Modeling;

/// <summary>
/// The address of a site as the differentiable form of a model names it: up to three segments held by
/// value, so that naming a site costs no allocation. The <see cref="Address"/> itself is built only when a
/// run needs it (the first run that lays out the coordinates, and error messages).
/// </summary>
public readonly struct SiteAddress
{
    private readonly AddressSegment _a, _b, _c;
    private readonly int _count;
    private readonly Address _full;
    private readonly bool _hasFull;

    /// <summary>A one-segment address (a named site).</summary>
    public SiteAddress(AddressSegment a)
    {
        _a = a;
        _count = 1;
    }

    /// <summary>A two-segment address such as <c>y/3</c>.</summary>
    public SiteAddress(AddressSegment a, AddressSegment b)
    {
        _a = a;
        _b = b;
        _count = 2;
    }

    /// <summary>A three-segment address.</summary>
    public SiteAddress(AddressSegment a, AddressSegment b, AddressSegment c)
    {
        _a = a;
        _b = b;
        _c = c;
        _count = 3;
    }

    /// <summary>An address given whole.</summary>
    public SiteAddress(Address address)
    {
        _full = address;
        _hasFull = true;
    }

    /// <summary>The address.</summary>
    public Address ToAddress() => _hasFull ? _full : _count switch
    {
        1 => (Address)_a,
        2 => new Address(_a, _b),
        _ => new Address(_a, _b) / _c,
    };

    /// <inheritdoc />
    public override string ToString() => ToAddress().ToString();
}
