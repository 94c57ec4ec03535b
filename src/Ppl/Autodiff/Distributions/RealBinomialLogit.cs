using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The binomial distribution with n trials of <see cref="Real"/> log-odds: the differentiable counterpart of
/// <see cref="BinomialLogit"/>. One tape node per evaluation, with ∂/∂logit = k − n·σ(logit).
/// </summary>
public readonly struct RealBinomialLogit : IRealDiscrete<int>, IRealFiniteDiscrete
{
    /// <summary>Creates BinomialLogit(<paramref name="n"/>, <paramref name="logit"/>). Parameters are checked when the distribution is used.</summary>
    public RealBinomialLogit(int n, Real logit)
    {
        N = n;
        Logit = logit;
    }

    /// <summary>The number of trials n ≥ 0.</summary>
    public int N { get; }

    /// <summary>The log-odds of success.</summary>
    public Real Logit { get; }

    /// <inheritdoc />
    public string Family => "BinomialLogit";

    /// <inheritdoc />
    public string? ParameterError => new BinomialLogit(N, Logit.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new BinomialLogit(N, Logit.Value);

    /// <inheritdoc />
    public long SupportMin => 0;

    /// <inheritdoc />
    public long SupportMax => N;

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        var d = new BinomialLogit(N, Logit.Value);
        if (d.ParameterError is not null) return double.NaN;
        if (value < 0 || value > N) return double.NegativeInfinity;
        // The value is the double family's; the partial towards the logit is k − n·σ(logit).
        return Real.Unary(d.LogDensity(value), Logit, value - N * MathUtil.Logistic(Logit.Value));
    }

    /// <inheritdoc />
    public override string ToString() => $"BinomialLogit({N}, {Logit})";
}
