namespace Ppl.Distributions;

/// <summary>The log-normal distribution: exp(X) for X ~ N(μ, σ²).</summary>
public readonly struct LogNormal : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    /// <summary>Creates LogNormal(mu, sigma). Parameters are checked when the distribution is used.</summary>
    public LogNormal(double mu, double sigma)
    {
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The mean μ of the logarithm.</summary>
    public double Mu { get; }

    /// <summary>The standard deviation σ &gt; 0 of the logarithm.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "LogNormal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Positive;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Finite("mu", Mu) ?? ParameterChecks.Positive("sigma", Sigma);

    /// <inheritdoc />
    public double Mean => Math.Exp(Mu + 0.5 * Sigma * Sigma);

    /// <inheritdoc />
    public double Variance => MathUtil.Expm1(Sigma * Sigma) * Math.Exp(2 * Mu + Sigma * Sigma);

    /// <inheritdoc />
    public IBijector<double> Bijector => LowerBoundBijector.Positive;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Math.Exp(Mu + Sigma * rng.NextGaussian());
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value > 0)) return double.NegativeInfinity;
            var logX = Math.Log(value);
            var z = (logX - Mu) / Sigma;
            return -0.5 * z * z - Math.Log(Sigma) - logX - 0.91893853320467274178;
    }

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        var z = (Math.Log(x) - Mu) / Sigma;
        return SpecialMath.Phi(z);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return double.NegativeInfinity;
        var z = (Math.Log(x) - Mu) / Sigma;
        return SpecialMath.LogPhi(z);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        if (!(x > 0)) return 0.0;
        var z = (Math.Log(x) - Mu) / Sigma;
        return SpecialMath.LogPhi(-z);
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
    public override string ToString() => $"LogNormal({Mu}, {Sigma})";
}
