using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The Poisson distribution with rate λ.</summary>
public readonly struct Poisson : IDistribution<int>, IHasMoments<double>
{
    /// <summary>Creates Poisson(rate). Parameters are checked when the distribution is used.</summary>
    public Poisson(double rate)
    {
        Rate = rate;
    }

    /// <summary>The rate λ ≥ 0 (the mean).</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public string Family => "Poisson";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public string? ParameterError => (Rate >= 0 && double.IsFinite(Rate) ? null : $"rate must be non-negative and finite, got {ParameterChecks.Format(Rate)}");

    /// <inheritdoc />
    public double Mean => Rate;

    /// <inheritdoc />
    public double Variance => Rate;

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        return Rate == 0 ? 0 : MN.Poisson.Sample(rng, Rate);
    }

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < 0) return double.NegativeInfinity;
            return MathUtil.XLogY(value, Rate) - Rate - SpecialFunctions.FactorialLn(value);
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
    public override string ToString() => $"Poisson({Rate})";
}
