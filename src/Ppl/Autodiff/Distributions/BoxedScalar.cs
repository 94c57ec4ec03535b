using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// A boxed scalar family as a struct family, so that a generic wrapper over a struct base (<see cref="Ordered{D}"/>)
/// can be rebuilt from <see cref="IRealDistribution.AtValues"/> (messages and kernels that read a site's distribution; not the hot path).
/// </summary>
internal readonly struct BoxedScalar(IDistribution inner) : IDistribution<double>
{
    public string Family => inner.Family;

    public bool IsDiscrete => inner.IsDiscrete;

    public Support Support => inner.Support;

    public string? ParameterError => inner.ParameterError;

    public double Sample(Rng rng) => (double)inner.SampleBoxed(rng);

    public double LogDensity(double value) => inner.LogDensityBoxed(value);

    public object SampleBoxed(Rng rng) => inner.SampleBoxed(rng);

    public double LogDensityBoxed(object value) => inner.LogDensityBoxed(value);

    public override string ToString() => inner.ToString() ?? Family;
}
