namespace Ppl;

/// <summary>
/// Thrown when a model or a call on the generative function interface is used wrongly: two choices at
/// one address, constraints at addresses the model never visits, a NaN log density. The message names
/// the address and the value. See <see cref="PplException"/> for the whole hierarchy.
/// </summary>
public class ModelException : PplException
{
    /// <summary>Creates the exception.</summary>
    public ModelException(string message, Address? address = null, Exception? inner = null) : base(message, address, inner)
    {
    }
}

/// <summary>Thrown when constraints name addresses the model never visited.</summary>
public sealed class UnvisitedConstraintsException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="model">The model's name.</param>
    /// <param name="unvisited">The constrained addresses the run never reached.</param>
    /// <param name="visited">Addresses the model does have, to suggest the closest.</param>
    public UnvisitedConstraintsException(string model, IReadOnlyList<Address> unvisited, IReadOnlyList<Address> visited)
        : this(model, unvisited, unvisited.Select(u => AddressSuggestions.Closest(u, visited)).ToList(), null)
    {
    }

    private UnvisitedConstraintsException(string model, IReadOnlyList<Address> unvisited, IReadOnlyList<Address?> closest, Exception? inner)
        : base(BuildMessage(model, unvisited, closest), unvisited.Count > 0 ? unvisited[0] : (Address?)null, inner)
    {
        Unvisited = unvisited;
        Closest = closest;
    }

    /// <summary>The constrained addresses the model never reached.</summary>
    public IReadOnlyList<Address> Unvisited { get; }

    /// <summary>For each unvisited address, the closest address the model has (or null).</summary>
    public IReadOnlyList<Address?> Closest { get; }

    /// <summary>
    /// The same error seen from a caller that made the call at <paramref name="prefix"/>: addresses and
    /// suggestions gain the prefix, so the caller (and Replay) can act on them.
    /// </summary>
    public UnvisitedConstraintsException WithPrefix(Address prefix, string model) =>
        new(model, Unvisited.Select(a => prefix / a).ToList(), Closest.Select(c => c is { } a ? prefix / a : (Address?)null).ToList(), this);

    private static string BuildMessage(string model, IReadOnlyList<Address> unvisited, IReadOnlyList<Address?> closest)
    {
        var lines = unvisited.Select((u, i) =>
            closest[i] is { } c ? $"'{u}' (closest address the model has: '{c}')" : $"'{u}' (the model visited no choices)");
        return $"Model '{model}' never visited {unvisited.Count} constrained address(es): {string.Join(", ", lines)}.";
    }
}
