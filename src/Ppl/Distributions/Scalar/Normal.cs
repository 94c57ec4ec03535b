namespace Ppl.Distributions;

/// <summary>The normal distribution N(μ, σ²), parameterised by mean and standard deviation.</summary>
public readonly struct Normal : IDistribution<double>, IHasMoments<double>, IHasBijector<double>, IHasCdf
{
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Creates N(<paramref name="mu"/>, <paramref name="sigma"/>²). Parameters are checked when the distribution is used.</summary>
    public Normal(double mu, double sigma)
    {
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The mean μ.</summary>
    public double Mu { get; }

    /// <summary>The standard deviation σ &gt; 0.</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    public string Family => "Normal";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.Real;

    /// <inheritdoc />
    public string? ParameterError =>
        !double.IsFinite(Mu) ? $"mu must be finite, got {Mu}" :
        !(Sigma > 0) || double.IsPositiveInfinity(Sigma) ? $"sigma must be positive and finite, got {Sigma}" : null;

    /// <inheritdoc />
    public double Mean => Mu;

    /// <inheritdoc />
    public double Variance => Sigma * Sigma;

    /// <inheritdoc />
    public IBijector<double> Bijector => IdentityBijector.Instance;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return Mu + Sigma * rng.NextGaussian();
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (double.IsNaN(value)) return double.NegativeInfinity;
        var z = (value - Mu) / Sigma;
        // Unit scale (observation noise, standard priors) is common: log 1 = 0 exactly, so skipping the call changes no bit.
        // (Code that inlines this with a constant σ folds the logarithm anyway; generated models call it out of line.)
        return -0.5 * z * z - (Sigma == 1 ? 0 : Math.Log(Sigma)) - HalfLog2Pi;
    }

    /// <summary>The reparameterised draw μ + σ·ε for a standard normal ε.</summary>
    public double Reparameterize(double epsilon) => Mu + Sigma * epsilon;

    /// <inheritdoc />
    public double Cdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.Phi(z);
    }

    /// <inheritdoc />
    public double LogCdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.LogPhi(z);
    }

    /// <inheritdoc />
    public double LogCcdf(double x)
    {
        Check();
        if (double.IsNaN(x)) return double.NaN;
        var z = (x - Mu) / Sigma;
        return SpecialMath.LogPhi(-z);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double)value);

    // The test is inlined into every Sample/LogDensity; the message is built out of line, so that generated
    // model code (one inlined site per choice) does not carry the string formatting. The helper is static and takes a
    // copy: an instance call would take this struct's address, and the JIT then keeps its fields in memory and cannot
    // fold a constant σ (Normal(mean, 1) in a loop would test σ and divide by it on every row). It returns the exception
    // for a `throw` here, so that nothing is live after the call and the caller's values stay in registers.
    private void Check()
    {
        if (!(double.IsFinite(Mu) && Sigma > 0 && !double.IsPositiveInfinity(Sigma))) throw ParameterErrorOf(this);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DistributionParameterException ParameterErrorOf(Normal d) => new(d.Family, d.ParameterError ?? "invalid parameters");

    /// <inheritdoc />
    public override string ToString() => $"Normal({Mu}, {Sigma})";
}
