namespace Ppl.Distributions;

/// <summary>
/// The improper flat prior on ℝ: log density 0 at every real number (Stan's unbounded parameter with no prior
/// statement). It is not a probability distribution, so <see cref="Sample"/> throws
/// <see cref="ImproperDistributionException"/>; use it only where the posterior is proper, with inference that starts
/// from the density (NUTS, HMC, MALA) or for choices that are given a value.
/// </summary>
public readonly struct Flat : IDistribution<double>, IHasBijector<double>
{
    /// <inheritdoc />
    public string Family => "Flat";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <summary>Always null: the family has no parameters.</summary>
    public string? ParameterError => null;

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <summary>Throws <see cref="ImproperDistributionException"/>: an improper prior cannot be sampled.</summary>
    /// <param name="rng">Unused.</param>
    public double Sample(Rng rng) => throw new ImproperDistributionException(Family);

    /// <summary>0 for every finite value; −∞ for NaN and ±∞.</summary>
    /// <param name="value">The value.</param>
    public double LogDensity(double value) => double.IsFinite(value) ? 0.0 : double.NegativeInfinity;

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    /// <inheritdoc />
    public override string ToString() => "Flat()";
}
