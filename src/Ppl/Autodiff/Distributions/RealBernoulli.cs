using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The Bernoulli distribution over {false, true} with a <see cref="Real"/> P(true): the differentiable counterpart of <see cref="Bernoulli"/>.</summary>
public readonly struct RealBernoulli : IRealDiscrete<bool>, IRealFiniteDiscrete
{
    /// <summary>Creates Bernoulli(<paramref name="p"/>). Parameters are checked when the distribution is used.</summary>
    public RealBernoulli(Real p)
    {
        P = p;
    }

    /// <summary>The probability of true, in [0, 1].</summary>
    public Real P { get; }

    /// <inheritdoc />
    public string Family => "Bernoulli";

    /// <inheritdoc />
    public string? ParameterError => new Bernoulli(P.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Bernoulli(P.Value);

    /// <inheritdoc />
    public long SupportMin => 0;

    /// <inheritdoc />
    public long SupportMax => 1;

    /// <inheritdoc />
    public Real LogProbability(bool value)
    {
        var p = P.Value;
        if (!(p >= 0 && p <= 1)) return double.NaN;
        if (value)
            return p == 0 ? double.NegativeInfinity : Real.Unary(Math.Log(p), P, 1.0 / p);
        var q = 1 - p;
        return q == 0 ? double.NegativeInfinity : Real.Unary(Math.Log(q), P, -1.0 / q);
    }

    /// <inheritdoc />
    public override string ToString() => $"Bernoulli({P})";
}
