namespace Ppl;

/// <summary>
/// Thrown when an address or a selection names a choice the model does not have (most often a typo): the message
/// names the address asked for and the closest address the model has, so <c>Selection.At("muu")</c> is an error
/// that says "did you mean 'mu'", never a kernel that silently never moves.
/// </summary>
public sealed class UnknownAddressException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="what">Who asked, for the message (e.g. "Kernel.Mh", "the selection").</param>
    /// <param name="model">The model's name.</param>
    /// <param name="address">The address that does not exist.</param>
    /// <param name="known">The addresses the model does have (the closest is suggested).</param>
    public UnknownAddressException(string what, string model, Address address, IEnumerable<Address> known)
        : this(what, model, address, AddressSuggestions.Closest(address, known))
    {
    }

    private UnknownAddressException(string what, string model, Address address, Address? closest)
        : base($"{what}: model '{model}' has no choice at '{address}'"
               + (closest is { } c ? $"; the closest address it has is '{c}'." : "; it has no choices."), address)
    {
        Closest = closest;
    }

    /// <summary>The closest address the model has, or null when it has none.</summary>
    public Address? Closest { get; }
}
