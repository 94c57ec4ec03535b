namespace Ppl.Modeling;

/// <summary>What a site of a model does.</summary>
public enum SiteKind
{
    /// <summary>A random choice (<c>Sample</c>).</summary>
    Choice,
    /// <summary>An observation (<c>Observe</c>).</summary>
    Observation,
    /// <summary>A call to another generative function.</summary>
    Call,
}

/// <summary>
/// An address of a generated model known at compile time. The generator emits one cached instance per
/// distinct static address, so handlers find the site's storage slot by index instead of hashing.
/// </summary>
public sealed class StaticSite
{
    /// <summary>Creates a site (generated code only).</summary>
    /// <param name="name">The one-segment address.</param>
    /// <param name="index">The slot of the site in the model's trace storage.</param>
    public StaticSite(string name, int index)
    {
        Name = name;
        Address = name;
        Index = index;
    }

    /// <summary>The address as text.</summary>
    public string Name { get; }

    /// <summary>The address.</summary>
    public Address Address { get; }

    /// <summary>The storage slot.</summary>
    public int Index { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// One syntactic site of a model, as the generator saw it: what inference can know about a choice
/// before running anything.
/// </summary>
/// <param name="Address">The address: a name for static sites, the first segment for families in loops.</param>
/// <param name="Kind">Choice, observation or call.</param>
/// <param name="IsStatic">True when the whole address is a compile-time constant; false for families (e.g. <c>y/i</c>).</param>
/// <param name="Family">The distribution's type name (e.g. <c>Normal</c>), or the called function's type for calls.</param>
/// <param name="ValueType">The C# type of the value.</param>
/// <param name="IsDiscrete">True for integer and boolean values.</param>
public sealed record SiteInfo(string Address, SiteKind Kind, bool IsStatic, string Family, string ValueType, bool IsDiscrete);

/// <summary>Static metadata of a generated model: its sites, as the generator saw them.</summary>
public sealed class ModelMetadata
{
    private readonly Dictionary<Address, int> _index = new();
    private readonly Address[] _addresses;

    /// <summary>Creates the metadata (generated code only).</summary>
    /// <param name="name">The model's name.</param>
    /// <param name="staticSites">The distinct static addresses, in slot order.</param>
    /// <param name="sites">Every syntactic site.</param>
    /// <param name="specialised">False when the model runs through the dynamic tracer.</param>
    /// <param name="dependencies">The static dependency graph of the slots (null: every site is recomputed in update and regenerate).</param>
    public ModelMetadata(string name, StaticSite[] staticSites, SiteInfo[] sites, bool specialised = true, SiteDependencies? dependencies = null)
    {
        if (dependencies is not null && dependencies.DependsOn.Count != staticSites.Length)
            throw new ArgumentException("The dependency table must have one entry per static slot.", nameof(dependencies));
        Dependencies = dependencies;
        Name = name;
        StaticSites = staticSites;
        Sites = sites;
        IsSpecialised = specialised;
        _addresses = new Address[staticSites.Length];
        for (var i = 0; i < staticSites.Length; i++)
        {
            if (staticSites[i].Index != i) throw new ArgumentException("Static sites must be given in slot order.", nameof(staticSites));
            _index[staticSites[i].Address] = i;
            _addresses[i] = staticSites[i].Address;
        }
    }

    /// <summary>The model's name.</summary>
    public string Name { get; }

    /// <summary>The distinct static addresses, in slot order.</summary>
    public IReadOnlyList<StaticSite> StaticSites { get; }

    /// <summary>Every syntactic site (a static address used in two branches appears twice).</summary>
    public IReadOnlyList<SiteInfo> Sites { get; }

    /// <summary>True when the model runs specialised generated code; false when it fell back to the dynamic tracer.</summary>
    public bool IsSpecialised { get; }

    /// <summary>
    /// Which earlier choices and arguments each static slot's distribution depends on, as the generator worked it
    /// out; null when it did not (every site is then recomputed in update and regenerate).
    /// </summary>
    public SiteDependencies? Dependencies { get; }

    /// <summary>Number of static slots.</summary>
    public int SlotCount => StaticSites.Count;

    /// <summary>The address of a static slot (an array read: handlers use it only to name a site in an error).</summary>
    public Address AddressOf(int slot) => _addresses[slot];

    /// <summary>The slot of a static address, if the address is static.</summary>
    public bool TryGetSlot(Address address, out int slot) => _index.TryGetValue(address, out slot);
}
