using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The beta distribution on [0, 1] with shapes α and β.</summary>
public readonly struct Beta : IDistribution<double>, IHasMoments<double>, IHasBijector<double>
{
    /// <summary>Creates Beta(alpha, beta). Parameters are checked when the distribution is used.</summary>
    public Beta(double alpha, double beta)
    {
        Alpha = alpha;
        BetaParameter = beta;
    }

    /// <summary>The first shape α &gt; 0.</summary>
    public double Alpha { get; }

    /// <summary>The second shape β &gt; 0 (named so because <c>Beta</c> is the type).</summary>
    public double BetaParameter { get; }

    /// <inheritdoc />
    public string Family => "Beta";

    /// <inheritdoc />
    public bool IsDiscrete => false;

    /// <inheritdoc />
    public Support Support => Support.UnitInterval;

    /// <inheritdoc />
    public string? ParameterError => ParameterChecks.Positive("alpha", Alpha) ?? ParameterChecks.Positive("beta", BetaParameter);

    /// <inheritdoc />
    public double Mean => Alpha / (Alpha + BetaParameter);

    /// <inheritdoc />
    public double Variance => (Alpha * BetaParameter) / ((Alpha + BetaParameter) * (Alpha + BetaParameter) * (Alpha + BetaParameter + 1));

    /// <inheritdoc />
    public IBijector<double> Bijector => IntervalBijector.Unit;

    /// <inheritdoc />
    public double Sample(Rng rng)
    {
        Check();
        return MN.Beta.Sample(rng, Alpha, BetaParameter);
    }

    /// <inheritdoc />
    public double LogDensity(double value)
    {
        Check();
        if (!(value >= 0 && value <= 1)) return double.NegativeInfinity;
            return MathUtil.XLogY(Alpha - 1, value) + MathUtil.XLog1pY(BetaParameter - 1, -value) - SpecialFunctions.BetaLn(Alpha, BetaParameter);
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
    public override string ToString() => $"Beta({Alpha}, {BetaParameter})";
}
