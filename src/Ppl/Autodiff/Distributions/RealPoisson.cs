using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The Poisson distribution with a <see cref="Real"/> rate: the differentiable counterpart of <see cref="Poisson"/>.</summary>
public readonly struct RealPoisson : IRealDiscrete<int>
{
    /// <summary>Creates Poisson(<paramref name="rate"/>). Parameters are checked when the distribution is used.</summary>
    public RealPoisson(Real rate)
    {
        Rate = rate;
    }

    /// <summary>The rate λ ≥ 0 (finite).</summary>
    public Real Rate { get; }

    /// <inheritdoc />
    public string Family => "Poisson";

    /// <inheritdoc />
    public string? ParameterError => new Poisson(Rate.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Poisson(Rate.Value);

    /// <inheritdoc />
    public Real LogProbability(int value)
    {
        var rate = Rate.Value;
        if (!(rate >= 0 && double.IsFinite(rate))) return double.NaN;
        if (value < 0) return double.NegativeInfinity;
        var result = MathUtil.XLogY(value, rate) - rate - SpecialFunctions.FactorialLn(value);
        // Rate 0 with a positive count has probability 0: no derivative.
        if (!double.IsFinite(result)) return result;
        return Real.Unary(result, Rate, RealFamilies.XOverY(value, rate) - 1.0);
    }

    /// <inheritdoc />
    public override string ToString() => $"Poisson({Rate})";
}
