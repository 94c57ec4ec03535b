namespace Ppl.Distributions;

/// <summary>
/// The point mass at a value. Its "density" is a mass: 0 at the point and −∞ elsewhere, so it is
/// treated as discrete (a one-value finite support that enumeration visits once).
/// </summary>
public readonly struct Delta : IFiniteDistribution<double>, IHasMoments<double>
{
    /// <summary>Creates the point mass at <paramref name="value"/>.</summary>
    public Delta(double value)
    {
        Value = value;
    }

    /// <summary>The point.</summary>
    public double Value { get; }

    /// <inheritdoc />
    public string Family => "Delta";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => new(SupportKind.Point, Value, Value);

    /// <inheritdoc />
    public string? ParameterError => double.IsNaN(Value) ? "value must not be NaN, got NaN" : null;

    /// <inheritdoc />
    public double Mean => Value;

    /// <inheritdoc />
    public double Variance => 0;

    /// <inheritdoc />
    public int SupportSize => 1;

    /// <inheritdoc />
    public double SupportValue(int index) => index == 0 ? Value : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public double SampleDirect(Rng rng) => Value;

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        return value == Value ? 0.0 : double.NegativeInfinity;
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
    public override string ToString() => $"Delta({Value})";
}
