using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The geometric distribution counting failures before the first success, P(k) = (1 − p)ᵏ p for k = 0, 1, …,
/// with a <see cref="Real"/> success probability: the differentiable counterpart of <see cref="Geometric"/>.
/// </summary>
public readonly struct RealGeometric : IRealDiscrete<int>
{
    /// <summary>Creates Geometric(<paramref name="p"/>). Parameters are checked when the distribution is used.</summary>
    public RealGeometric(Real p)
    {
        P = p;
    }

    /// <summary>The success probability p in (0, 1].</summary>
    public Real P { get; }

    /// <inheritdoc />
    public string Family => "Geometric";

    /// <inheritdoc />
    public string? ParameterError => new Geometric(P.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Geometric(P.Value);

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        var p = P.Value;
        if (!(p > 0 && p <= 1)) return double.NaN;
        if (value < 0) return double.NegativeInfinity;
        var result = MathUtil.XLog1pY(value, -p) + Math.Log(p);
        // p = 1 with a failure has probability 0: no derivative.
        if (!double.IsFinite(result)) return result;
        return Real.Unary(result, P, 1.0 / p - RealFamilies.XOverY(value, 1 - p));
    }

    /// <inheritdoc />
    public override string ToString() => $"Geometric({P})";
}
