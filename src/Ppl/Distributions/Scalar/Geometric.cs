namespace Ppl.Distributions;

/// <summary>The geometric distribution counting failures before the first success: P(k) = (1 − p)ᵏ p, k = 0, 1, ….</summary>
public readonly struct Geometric : IDistribution<int>, IHasMoments<double>
{
    /// <summary>Creates Geometric(p). Parameters are checked when the distribution is used.</summary>
    public Geometric(double p)
    {
        P = p;
    }

    /// <summary>The success probability p in (0, 1].</summary>
    public double P { get; }

    /// <inheritdoc />
    public string Family => "Geometric";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.OpenClosedProbability("p", P);

    /// <inheritdoc />
    public double Mean => (1 - P) / P;

    /// <inheritdoc />
    public double Variance => (1 - P) / (P * P);

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        if (P == 1) return 0;
            // Inversion: the number of failures is ⌊log U / log(1 − p)⌋ for U uniform on (0, 1).
            var k = Math.Floor(Math.Log(rng.NextOpenDouble()) / MathUtil.Log1p(-P));
            return k >= int.MaxValue ? int.MaxValue : (int)k;
    }

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < 0) return double.NegativeInfinity;
            return MathUtil.XLog1pY(value, -P) + Math.Log(P);
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((int)value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"Geometric({P})";
}
