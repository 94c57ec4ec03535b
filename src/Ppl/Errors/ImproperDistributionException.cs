namespace Ppl;

/// <summary>
/// Thrown when an improper distribution (<see cref="Distributions.Flat"/>, <see cref="Distributions.HalfFlat"/>) is
/// asked for a draw: its density does not integrate to a finite value, so there is nothing to sample. Such a prior
/// is meant for models whose posterior is proper, run by inference that starts from the density (NUTS, HMC, MALA
/// through <c>McmcSampler.Sample</c>, which start chains on the unconstrained scale), or for choices that are given
/// a value (observed or constrained).
/// </summary>
public sealed class ImproperDistributionException : ModelException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="family">The improper family, e.g. "Flat".</param>
    /// <param name="address">The address of the site, when known.</param>
    public ImproperDistributionException(string family, Address? address = null)
        : base($"{family}{(address is { } a ? $" at '{a}'" : "")} is an improper prior (its density does not integrate to a finite value), so it cannot be sampled. " +
               "Give the choice a value (observe or constrain it), or use inference that starts from the model's density " +
               "(NUTS, HMC or MALA through McmcSampler.Sample, which start chains on the unconstrained scale) instead of sampling the prior.", address)
    {
        Family = family;
    }

    /// <summary>The improper family.</summary>
    public string Family { get; }
}
