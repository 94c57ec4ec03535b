namespace Ppl;

/// <summary>
/// Thrown when a distribution is used with invalid parameters (a negative scale, probabilities that do
/// not sum to one, NaN). When raised inside a model the message names the address too.
/// </summary>
public sealed class DistributionParameterException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="family">The distribution family, e.g. "Normal".</param>
    /// <param name="problem">What is wrong, naming the parameter and its value.</param>
    /// <param name="address">The address of the site, when known.</param>
    public DistributionParameterException(string family, string problem, Address? address = null)
        : base(address is { } a ? $"{family} at '{a}': {problem}" : $"{family}: {problem}", address)
    {
        Family = family;
        Problem = problem;
    }

    /// <summary>The distribution family.</summary>
    public string Family { get; }

    /// <summary>What is wrong with the parameters.</summary>
    public string Problem { get; }
}
