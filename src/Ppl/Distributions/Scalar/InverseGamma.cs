using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The inverse-gamma distribution: 1/X for X ~ Gamma(shape α, rate β), so β is the scale of the result.</summary>
public readonly struct InverseGamma : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates InverseGamma(shape, scale). Parameters are checked when the distribution is used.</summary>
    public InverseGamma(double shape, double scale)
    {
        Shape = shape;
        Scale = scale;
    }

    /// <summary>The shape α &gt; 0.</summary>
    public double Shape { get; }

    /// <summary>The scale β &gt; 0.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public string Family => "InverseGamma";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("shape", Shape) ?? ParameterChecks.Positive("scale", Scale);

    /// <inheritdoc />
    public double Mean => Shape > 1 ? Scale / (Shape - 1) : double.PositiveInfinity;

    /// <inheritdoc />
    public double Variance => Shape > 2 ? Scale * Scale / ((Shape - 1) * (Shape - 1) * (Shape - 2)) : Shape > 1 ? double.PositiveInfinity : double.NaN;

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.InverseGamma.Sample(rng, Shape, Scale);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value > 0) || double.IsPositiveInfinity(value)) return double.NegativeInfinity;
            return Shape * Math.Log(Scale) - SpecialFunctions.GammaLn(Shape) - (Shape + 1) * Math.Log(value) - Scale / value;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return SpecialFunctions.GammaUpperRegularized(Shape, Scale / x);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        return SpecialMath.GammaLogCdfs(Shape, Scale / x).LogCcdf;
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        return SpecialMath.GammaLogCdfs(Shape, Scale / x).LogCdf;
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
    public override string ToString() => $"InverseGamma({Shape}, {Scale})";
}
