namespace Ppl.Distributions;

/// <summary>The Bernoulli distribution over {false, true} with P(true) = p.</summary>
public readonly struct Bernoulli : IFiniteDistribution<bool>, IHasMoments<double>
{
    /// <summary>Creates Bernoulli(<paramref name="p"/>).</summary>
    public Bernoulli(double p)
    {
        P = p;
    }

    /// <summary>The probability of true, in [0, 1].</summary>
    public double P { get; }

    /// <inheritdoc />
    public string Family => "Bernoulli";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.Boolean;

    /// <inheritdoc />
    public string? ParameterError => P is >= 0 and <= 1 ? null : $"p must be in [0, 1], got {P}";

    /// <inheritdoc />
    public double Mean => P;

    /// <inheritdoc />
    public double Variance => P * (1 - P);

    /// <inheritdoc />
    public int SupportSize => 2;

    /// <inheritdoc />
    public bool SupportValue(int index) => index switch
    {
        0 => false,
        1 => true,
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    /// <inheritdoc />
    public bool Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public bool SampleDirect(Rng rng) => rng.NextDouble() < P;

    /// <inheritdoc />
    public double LogDensity(bool value)
    {
        Check();
        return Math.Log(value ? P : 1 - P);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((bool)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"Bernoulli({P})";
}
