using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>
/// The ordered vector of K independent draws from a continuous scalar distribution: their order statistics
/// x₍₁₎ &lt; … &lt; x₍ₖ₎, with density K! Πₖ p(xₖ) on the increasing vectors (Stan's <c>ordered[K] x; x ~ d;</c>, made
/// proper by the K! that Stan drops). A choice of it is an ordered vector — cut points, ordered mixture locations,
/// change points — mapped from ℝᴷ by <see cref="OrderedBijector"/> (Stan's <c>ordered</c> transform, or
/// <c>positive_ordered</c> when the base lives on [0, ∞)). The base's support must be unbounded above.
/// </summary>
/// <typeparam name="D">The base family.</typeparam>
public readonly struct Ordered<D> : IDistribution<double[]>, IHasBijector<double[]> where D : struct, IDistribution<double>
{
    /// <summary>Creates the ordered vector of <paramref name="length"/> draws from <paramref name="distribution"/>. Checked when used.</summary>
    public Ordered(D distribution, int length)
    {
        Base = distribution;
        Length = length;
    }

    /// <summary>The base family each entry is drawn from.</summary>
    public D Base { get; }

    /// <summary>The length K of the vector.</summary>
    public int Length { get; }

    /// <inheritdoc />
    public string Family => "Ordered";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => new(SupportKind.Ordered, Base.Support.Lower, Base.Support.Upper, Math.Max(Length, 1));

    /// <inheritdoc />
    public string? ParameterError
    {
        get
        {
            if (Length < 1) return $"length must be at least 1, got {Length}";
            if (Base.ParameterError is { } e) return e;
            if (Base.IsDiscrete) return $"the base must be continuous, got {Base.Family}";
            if (!double.IsPositiveInfinity(Base.Support.Upper))
                return $"the base's support must be unbounded above (the ordered transform adds positive increments), got {Base.Family} with upper bound {ParameterChecks.Format(Base.Support.Upper)}";
            return null;
        }
    }

    /// <inheritdoc />
    public IBijector<double[]> Bijector => new OrderedBijector(Math.Max(Length, 1), Base.Support.Lower);

    /// <summary>K draws from the base, sorted.</summary>
    public double[] Sample(Rng rng)
    {
        Check();
        var x = new double[Length];
        for (var k = 0; k < x.Length; k++) x[k] = Base.Sample(rng);
        Array.Sort(x);
        return x;
    }

    /// <summary>log K! + Σₖ log p(xₖ) for a strictly increasing vector of length K; −∞ otherwise.</summary>
    public double LogDensity(double[] value)
    {
        Check();
        if (value is null || value.Length != Length) return double.NegativeInfinity;
        var lp = SpecialFunctions.FactorialLn(Length);
        for (var k = 0; k < value.Length; k++)
        {
            if (k > 0 && !(value[k] > value[k - 1])) return double.NegativeInfinity;
            lp += Base.LogDensity(value[k]);
        }
        return lp;
    }

    /// <inheritdoc />
    public object SampleBoxed(Rng rng) => Sample(rng);

    /// <inheritdoc />
    public double LogDensityBoxed(object value) => LogDensity((double[])value);

    private void Check()
    {
        if (ParameterError is { } e) throw new DistributionParameterException(Family, e);
    }

    /// <inheritdoc />
    public override string ToString() => $"Ordered({Base}, {Length})";
}
