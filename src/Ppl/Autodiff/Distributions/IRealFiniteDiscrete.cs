namespace Ppl.Autodiff;

/// <summary>
/// A discrete distribution over <see cref="Real"/> parameters whose support is a finite range of integers: what the
/// differentiable form needs to sum a choice out exactly (Stan's <c>log_mix</c>, NumPyro's enumeration), by visiting
/// every value of the range.
/// </summary>
public interface IRealFiniteDiscrete
{
    /// <summary>The smallest value of the support (false is 0 for a Boolean choice).</summary>
    long SupportMin { get; }

    /// <summary>The largest value of the support (true is 1 for a Boolean choice).</summary>
    long SupportMax { get; }
}
