using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The Bernoulli distribution with <see cref="Real"/> log-odds of true: the differentiable counterpart of
/// <see cref="BernoulliLogit"/>. One tape node per evaluation, with ∂/∂logit = y − σ(logit).
/// </summary>
public readonly struct RealBernoulliLogit : IRealDiscrete<bool>, IRealFiniteDiscrete
{
    /// <summary>Creates BernoulliLogit(<paramref name="logit"/>). Parameters are checked when the distribution is used.</summary>
    public RealBernoulliLogit(Real logit)
    {
        Logit = logit;
    }

    /// <summary>The log-odds of true.</summary>
    public Real Logit { get; }

    /// <inheritdoc />
    public string Family => "BernoulliLogit";

    /// <inheritdoc />
    public string? ParameterError => new BernoulliLogit(Logit.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new BernoulliLogit(Logit.Value);

    /// <inheritdoc />
    public long SupportMin => 0;

    /// <inheritdoc />
    public long SupportMax => 1;

    /// <inheritdoc />
    public Real LogProbability(bool value) =>
        double.IsFinite(Logit.Value) ? RealDensity.BernoulliLogit(value, Logit) : double.NaN;

    /// <inheritdoc />
    public override string ToString() => $"BernoulliLogit({Logit})";
}
