using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The Poisson distribution with a <see cref="Real"/> log rate: the differentiable counterpart of <see cref="PoissonLog"/>.
/// One tape node per evaluation, with ∂/∂logRate = k − e^(logRate).
/// </summary>
public readonly struct RealPoissonLog : IRealDiscrete<int>
{
    /// <summary>Creates PoissonLog(<paramref name="logRate"/>). Parameters are checked when the distribution is used.</summary>
    public RealPoissonLog(Real logRate)
    {
        LogRate = logRate;
    }

    /// <summary>The log rate.</summary>
    public Real LogRate { get; }

    /// <inheritdoc />
    public string Family => "PoissonLog";

    /// <inheritdoc />
    public string? ParameterError => new PoissonLog(LogRate.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new PoissonLog(LogRate.Value);

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        // Never throws (the Real families' contract): an invalid log rate is a NaN log density, which the caller reports.
        if (ParameterError is not null) return double.NaN;
        if (value < 0) return double.NegativeInfinity;
        return RealDensity.PoissonLog(value, LogRate);
    }

    /// <inheritdoc />
    public override string ToString() => $"PoissonLog({LogRate})";
}
