using MathNet.Numerics;

namespace Ppl.Distributions;

/// <summary>
/// The binomial distribution of n trials parameterised by the log-odds of success (Stan's <c>binomial_logit</c>):
/// P(k) = C(n, k) σ(l)ᵏ (1 − σ(l))ⁿ⁻ᵏ, with log mass log C(n, k) − k·softplus(−l) − (n − k)·softplus(l).
/// </summary>
public readonly struct BinomialLogit : IFiniteDistribution<int>, IHasMoments<double>
{
    /// <summary>Creates BinomialLogit(n, logit). Parameters are checked when the distribution is used.</summary>
    public BinomialLogit(int n, double logit)
    {
        N = n;
        Logit = logit;
    }

    /// <summary>The number of trials n ≥ 0.</summary>
    public int N { get; }

    /// <summary>The log-odds of success; finite.</summary>
    public double Logit { get; }

    /// <summary>The success probability σ(<see cref="Logit"/>).</summary>
    public double P => MathUtil.Logistic(Logit);

    /// <inheritdoc />
    public string Family => "BinomialLogit";

    /// <inheritdoc />
    public bool IsDiscrete => true;

    /// <inheritdoc />
    public Support Support => Support.IntegerRange(0, N);

    /// <inheritdoc />
    public string? ParameterError => (N >= 0 ? null : $"n must be non-negative, got {N}") ?? ParameterChecks.Finite("logit", Logit);

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
    public int SampleDirect(Rng rng) => new Binomial(N, P).SampleDirect(rng);

    /// <inheritdoc />
    public double LogDensity(int value)
    {
        Check();
        if (value < 0 || value > N) return double.NegativeInfinity;
        // Each softplus is multiplied only where it counts: 0·∞ never arises at k = 0 or k = n.
        var success = value == 0 ? 0 : value * MathUtil.SoftPlus(-Logit);
        var failure = value == N ? 0 : (N - value) * MathUtil.SoftPlus(Logit);
        return SpecialFunctions.BinomialLn(N, value) - success - failure;
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
    public override string ToString() => $"BinomialLogit({N}, {Logit})";
}
