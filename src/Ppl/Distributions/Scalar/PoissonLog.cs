using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>
/// The Poisson distribution parameterised by its log rate (Stan's <c>poisson_log</c>): P(k) = λᵏ e^(−λ) / k! with
/// λ = e^(logRate). The log mass k·logRate − e^(logRate) − log k! needs no logarithm of the rate, so a count regression
/// written as a loop over rows takes its linear predictor as it is.
/// </summary>
public readonly struct PoissonLog : IDistribution<int>, IHasMoments<double>
{
    /// <summary>The largest log rate whose rate is finite in double precision (log of double.MaxValue).</summary>
    private const double MaxLogRate = 709.782712893384;

    /// <summary>Creates PoissonLog(<paramref name="logRate"/>). Parameters are checked when the distribution is used.</summary>
    public PoissonLog(double logRate)
    {
        LogRate = logRate;
    }

    /// <summary>The log rate log λ; finite, at most log(double.MaxValue).</summary>
    public double LogRate { get; }

    /// <summary>The rate λ = e^(<see cref="LogRate"/>).</summary>
    public double Rate => Math.Exp(LogRate);

    /// <inheritdoc />
    public string Family => "PoissonLog";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public string? ParameterError =>
        ParameterChecks.Finite("logRate", LogRate) ??
        (LogRate <= MaxLogRate ? null : $"logRate must be at most {MaxLogRate} (its rate overflows), got {ParameterChecks.Format(LogRate)}");

    /// <inheritdoc />
    public double Mean => Rate;

    /// <inheritdoc />
    public double Variance => Rate;

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        return new Poisson(Rate).Sample(rng);
    }

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < 0) return double.NegativeInfinity;
        return value * LogRate - Math.Exp(LogRate) - SpecialFunctions.FactorialLn(value);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((int)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"PoissonLog({LogRate})";
}
