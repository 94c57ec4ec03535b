using MN = MathNet.Numerics.Distributions;
using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>The binomial distribution: the number of successes in n independent trials of probability p.</summary>
public readonly struct Binomial : IFiniteDistribution<int>, IHasMoments<double>
{
    /// <summary>Creates Binomial(n, p). Parameters are checked when the distribution is used.</summary>
    public Binomial(int n, double p)
    {
        N = n;
        P = p;
    }

    /// <summary>The number of trials n ≥ 0.</summary>
    public int N { get; }

    /// <summary>The success probability p in [0, 1].</summary>
    public double P { get; }

    /// <inheritdoc />
    public string Family => "Binomial";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.IntegerRange(0, N);

    /// <inheritdoc />
    public string? ParameterError => (N >= 0 ? null : $"n must be non-negative, got {N}") ?? ParameterChecks.Probability("p", P);

    /// <inheritdoc />
    public double Mean => N * P;

    /// <inheritdoc />
    public double Variance => N * P * (1 - P);

    /// <inheritdoc />
    public int SupportSize => N + 1;

    /// <inheritdoc />
    public int SupportValue(int index) => index >= 0 && index <= N ? index : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public int Sample(Rng rng)
    {
        Check();
        return rng.DrawFinite(this);
    }

    /// <inheritdoc />
    public int SampleDirect(Rng rng)
    {
        return P == 0 ? 0 : P == 1 ? N : MN.Binomial.Sample(rng, P, N);
    }

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < 0 || value > N) return double.NegativeInfinity;
            return SpecialFunctions.BinomialLn(N, value) + MathUtil.XLogY(value, P) + MathUtil.XLog1pY(N - value, -P);
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
    public override string ToString() => $"Binomial({N}, {P})";
}
