using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The gamma distribution with shape α and rate β (mean α/β).</summary>
public readonly struct Gamma : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates Gamma(shape, rate). Parameters are checked when the distribution is used.</summary>
    public Gamma(double shape, double rate)
    {
        Shape = shape;
        Rate = rate;
    }

    /// <summary>The shape α &gt; 0.</summary>
    public double Shape { get; }

    /// <summary>The rate β &gt; 0 (the inverse of the scale).</summary>
    public double Rate { get; }

    /// <inheritdoc />
    public string Family => "Gamma";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("shape", Shape) ?? ParameterChecks.Positive("rate", Rate);

    /// <inheritdoc />
    public double Mean => Shape / Rate;

    /// <inheritdoc />
    public double Variance => Shape / (Rate * Rate);

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.Gamma.Sample(rng, Shape, Rate);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0) || double.IsPositiveInfinity(value)) return double.NegativeInfinity;
            return Shape * Math.Log(Rate) - SpecialFunctions.GammaLn(Shape) + MathUtil.XLogY(Shape - 1, value) - Rate * value;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return SpecialFunctions.GammaLowerRegularized(Shape, Rate * x);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        return SpecialMath.GammaLogCdfs(Shape, Rate * x).LogCdf;
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return SpecialMath.GammaLogCdfs(Shape, Rate * x).LogCcdf;
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
    public override string ToString() => $"Gamma({Shape}, {Rate})";
}
