namespace Ppl.Distributions;

/// <summary>The uniform distribution on the integers lower, lower + 1, …, upper.</summary>
public readonly struct DiscreteUniform : IFiniteDistribution<int>, IHasMoments<double>
{
    /// <summary>Creates DiscreteUniform(lower, upper). Parameters are checked when the distribution is used.</summary>
    public DiscreteUniform(int lower, int upper)
    {
        Lower = lower;
        Upper = upper;
    }

    /// <summary>The smallest value.</summary>
    public int Lower { get; }

    /// <summary>The largest value, at least the smallest.</summary>
    public int Upper { get; }

    /// <inheritdoc />
    public string Family => "DiscreteUniform";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.IntegerRange(Lower, Upper);

    /// <inheritdoc />
    public string? ParameterError => Upper >= Lower ? null : $"upper must be at least lower ({Lower}), got {Upper}";

    /// <inheritdoc />
    public double Mean => 0.5 * ((double)Lower + Upper);

    /// <inheritdoc />
    public double Variance => (((double)Upper - Lower + 1) * ((double)Upper - Lower + 1) - 1) / 12;

    /// <inheritdoc />
    public int SupportSize => checked(Upper - Lower + 1);

    /// <inheritdoc />
    public int SupportValue(int index) => index >= 0 && index <= Upper - Lower ? Lower + index : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public int SampleDirect(Rng rng)
    {
        // The high word of a 64×32-bit product is uniform on [0, width) up to a bias below 2⁻³².
            var width = (ulong)((long)Upper - Lower + 1);
            return (int)(Lower + (long)Math.BigMul(rng.NextUInt64(), width, out _));
    }

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < Lower || value > Upper) return double.NegativeInfinity;
            return -Math.Log((double)Upper - Lower + 1);
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
    public override string ToString() => $"DiscreteUniform({Lower}, {Upper})";
}
