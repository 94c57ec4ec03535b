namespace Ppl.Distributions;

/// <summary>
/// The improper flat prior on [0, ∞): log density 0 at every non-negative real (Stan's <c>real&lt;lower=0&gt;</c>
/// parameter with no prior statement). It is not a probability distribution, so <see cref="Sample"/> throws
/// <see cref="ImproperDistributionException"/>; use it only where the posterior is proper, with inference that starts
/// from the density (NUTS, HMC, MALA) or for choices that are given a value.
/// </summary>
public readonly struct HalfFlat : IDistribution<double>, IHasBijector<double>
{
    /// <inheritdoc />
    public string Family => "HalfFlat";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <summary>Always null: the family has no parameters.</summary>
    public string? ParameterError => null;

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <summary>Throws <see cref="ImproperDistributionException"/>: an improper prior cannot be sampled.</summary>
    /// <param name="rng">Unused.</param>
    public double Sample(Rng rng) => throw new ImproperDistributionException(Family);

    /// <summary>0 for every finite value ≥ 0; −∞ below 0, for NaN and for +∞.</summary>
    /// <param name="value">The value.</param>
    public double LogDensity(double value) => value >= 0 && !double.IsPositiveInfinity(value) ? 0.0 : double.NegativeInfinity;

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    /// <inheritdoc />
    public override string ToString() => "HalfFlat()";
}
