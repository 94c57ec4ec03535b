namespace Ppl;

/// <summary>
/// Thrown when an inference algorithm cannot go on: no starting point with a finite log density and gradient was
/// found, every particle has weight zero, a step size could not be found. The message says what was tried and, where
/// it is known, which term, coordinate or address was at fault. See <see cref="PplException"/> for the hierarchy.
/// </summary>
public class InferenceException : PplException
{
    /// <summary>Creates the exception.</summary>
    public InferenceException(string message, Address? address = null, Exception? inner = null) : base(message, address, inner)
    {
    }
}
