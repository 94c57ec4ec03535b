using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The Cauchy distribution with location and scale (no mean, no variance: both are NaN).</summary>
public readonly struct Cauchy : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates Cauchy(loc, scale). Parameters are checked when the distribution is used.</summary>
    public Cauchy(double loc, double scale)
    {
        Loc = loc;
        Scale = scale;
    }

    /// <summary>The location (median).</summary>
    public double Loc { get; }

    /// <summary>The scale &gt; 0 (half the interquartile range).</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public string Family => "Cauchy";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("loc", Loc) ?? ParameterChecks.Positive("scale", Scale);

    /// <inheritdoc />
    public double Mean => double.NaN;

    /// <inheritdoc />
    public double Variance => double.NaN;

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.Cauchy.Sample(rng, Loc, Scale);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (double.IsNaN(value)) return double.NegativeInfinity;
            var z = (value - Loc) / Scale;
            return -Math.Log(Math.PI * Scale) - MathUtil.Log1p(z * z);
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.CauchyCdf(z);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.CauchyLogCdf(z);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.CauchyLogCdf(-z);
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
    public override string ToString() => $"Cauchy({Loc}, {Scale})";
}
