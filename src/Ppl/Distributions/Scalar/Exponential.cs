using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The exponential distribution with rate λ (mean 1/λ).</summary>
public readonly struct Exponential : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates Exponential(rate). Parameters are checked when the distribution is used.</summary>
    public Exponential(double rate)
    {
        Rate = rate;
    }

    /// <summary>The rate λ &gt; 0.</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public string Family => "Exponential";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("rate", Rate);

    /// <inheritdoc />
    public double Mean => 1 / Rate;

    /// <inheritdoc />
    public double Variance => 1 / (Rate * Rate);

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.Exponential.Sample(rng, Rate);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0)) return double.NegativeInfinity;
            return Math.Log(Rate) - Rate * value;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return -MathUtil.Expm1(-Rate * x);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        return MathUtil.Log1mExp(-Rate * x);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return -Rate * x;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"Exponential({Rate})";
}
