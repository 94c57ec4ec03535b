namespace Ppl.Distributions;

/// <summary>The continuous uniform distribution on [lower, upper].</summary>
public readonly struct Uniform : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates Uniform(lower, upper). Parameters are checked when the distribution is used.</summary>
    public Uniform(double lower, double upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The lower end.</summary>
    public double Lower { get; }

    /// <summary>The upper end, greater than the lower end.</summary>
    public double Upper { get; }

    /// <inheritdoc />
    public string Family => "Uniform";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Interval(Lower, Upper);

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("lower", Lower) ?? ParameterChecks.Finite("upper", Upper) ?? (Upper > Lower ? null : $"upper must be greater than lower ({ParameterChecks.Format(Lower)}), got {ParameterChecks.Format(Upper)}");

    /// <inheritdoc />
    public double Mean => 0.5 * (Lower + Upper);

    /// <inheritdoc />
    public double Variance => (Upper - Lower) * (Upper - Lower) / 12;

    /// <inheritdoc />
    public IBijector<double> Bijector => new IntervalBijector(Lower, Upper);

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Lower + (Upper - Lower) * rng.NextDouble();
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= Lower && value <= Upper)) return double.NegativeInfinity;
            return -Math.Log(Upper - Lower);
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > Lower)) return 0.0;
        if (!(x < Upper)) return 1.0;
        return (x - Lower) / (Upper - Lower);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > Lower)) return double.NegativeInfinity;
        if (!(x < Upper)) return 0.0;
        return Math.Log((x - Lower) / (Upper - Lower));
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > Lower)) return 0.0;
        if (!(x < Upper)) return double.NegativeInfinity;
        return Math.Log((Upper - x) / (Upper - Lower));
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
    public override string ToString() => $"Uniform({Lower}, {Upper})";
}
