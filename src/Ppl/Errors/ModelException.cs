namespace Ppl;

/// <summary>
/// Thrown when a model or a call on the generative function interface is used wrongly: two choices at
/// one address, constraints at addresses the model never visits, a NaN log density. The message names
/// the address and the value.
/// </summary>
public class ModelException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ModelException(string message, Address? address = null, Exception? inner = null) : base(message, inner)
    {
        Address = address;
    }

    /// <summary>The address concerned, when there is one.</summary>
    public Address? Address { get; }
}

/// <summary>Thrown when constraints name addresses the model never visited.</summary>
public sealed class UnvisitedConstraintsException : ModelException
{
    /// <summary>Creates the exception.</summary>
    public UnvisitedConstraintsException(string model, IReadOnlyList<Address> unvisited, IReadOnlyList<Address> visited)
        : base(BuildMessage(model, unvisited, visited), unvisited.Count > 0 ? unvisited[0] : (Address?)null)
    {
        Unvisited = unvisited;
    }

    /// <summary>The constrained addresses the model never reached.</summary>
    public IReadOnlyList<Address> Unvisited { get; }

    private static string BuildMessage(string model, IReadOnlyList<Address> unvisited, IReadOnlyList<Address> visited)
    {
        var lines = unvisited.Select(u =>
            AddressSuggestions.Closest(u, visited) is { } c ? $"'{u}' (closest address the model has: '{c}')" : $"'{u}' (the model visited no choices)");
        return $"Model '{model}' never visited {unvisited.Count} constrained address(es): {string.Join(", ", lines)}.";
    }
}
