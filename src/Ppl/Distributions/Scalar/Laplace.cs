using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The Laplace (double exponential) distribution with location μ and scale b.</summary>
public readonly struct Laplace : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates Laplace(loc, scale). Parameters are checked when the distribution is used.</summary>
    public Laplace(double loc, double scale)
    {
        Loc = loc;
        Scale = scale;
    }

    /// <summary>The location μ.</summary>
    public double Loc { get; }

    /// <summary>The scale b &gt; 0.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public string Family => "Laplace";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("loc", Loc) ?? ParameterChecks.Positive("scale", Scale);

    /// <inheritdoc />
    public double Mean => Loc;

    /// <inheritdoc />
    public double Variance => 2 * Scale * Scale;

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.Laplace.Sample(rng, Loc, Scale);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (double.IsNaN(value)) return double.NegativeInfinity;
            return -Math.Log(2 * Scale) - Math.Abs(value - Loc) / Scale;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.LaplaceCdf(z);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.LaplaceLogCdf(z);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Loc) / Scale;
        return SpecialMath.LaplaceLogCdf(-z);
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
    public override string ToString() => $"Laplace({Loc}, {Scale})";
}
