using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The half-Cauchy distribution: |X| for X ~ Cauchy(0, scale), on [0, ∞). Its mean and variance are infinite.</summary>
public readonly struct HalfCauchy : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates HalfCauchy(scale). Parameters are checked when the distribution is used.</summary>
    public HalfCauchy(double scale)
    {
        Scale = scale;
    }

    /// <summary>The scale &gt; 0.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public string Family => "HalfCauchy";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("scale", Scale);

    /// <inheritdoc />
    public double Mean => double.PositiveInfinity;

    /// <inheritdoc />
    public double Variance => double.PositiveInfinity;

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Math.Abs(MN.Cauchy.Sample(rng, 0, Scale));
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0)) return double.NegativeInfinity;
            var z = value / Scale;
            return Math.Log(2 / (Math.PI * Scale)) - MathUtil.Log1p(z * z);
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return 2 / Math.PI * Math.Atan(x / Scale);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        return Math.Log(2 / Math.PI * Math.Atan(x / Scale));
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return Math.Log(2 / Math.PI * Math.Atan(Scale / x));
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
    public override string ToString() => $"HalfCauchy({Scale})";
}
