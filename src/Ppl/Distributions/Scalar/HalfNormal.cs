namespace Ppl.Distributions;

/// <summary>The half-normal distribution: |X| for X ~ N(0, σ²), on [0, ∞).</summary>
public readonly struct HalfNormal : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates HalfNormal(sigma). Parameters are checked when the distribution is used.</summary>
    public HalfNormal(double sigma)
    {
        Sigma = sigma;
    }

    /// <summary>The scale σ &gt; 0 (the standard deviation of the underlying normal).</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "HalfNormal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("sigma", Sigma);

    /// <inheritdoc />
    public double Mean => Sigma * Math.Sqrt(2 / Math.PI);

    /// <inheritdoc />
    public double Variance => Sigma * Sigma * (1 - 2 / Math.PI);

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Math.Abs(Sigma * rng.NextGaussian());
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0)) return double.NegativeInfinity;
            var z = value / Sigma;
            // log 2 − ½ log 2π
            return -0.5 * z * z - Math.Log(Sigma) + 0.69314718055994531 - 0.91893853320467274178;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        var z = x / Sigma;
        return SpecialMath.HalfNormalCdf(z);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        var z = x / Sigma;
        return SpecialMath.HalfNormalLogCdf(z);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        var z = x / Sigma;
        return SpecialMath.Ln2 + SpecialMath.LogPhi(-z);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    // The test is inlined into every Sample/LogDensity; the message is built out of line, so that generated
    // model code (one inlined site per choice) does not carry the string formatting.
    private void Check()
    {
        if (!(Sigma > 0 && !double.IsPositiveInfinity(Sigma))) throw ParameterErrorOf(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DistributionParameterException ParameterErrorOf(HalfNormal d) => new(d.Family, d.ParameterError ?? "invalid parameters");

    /// <inheritdoc />
    public override string ToString() => $"HalfNormal({Sigma})";
}
