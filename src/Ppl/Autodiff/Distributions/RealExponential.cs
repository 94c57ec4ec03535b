using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The exponential distribution over a <see cref="Real"/> rate: the differentiable counterpart of <see cref="Exponential"/>.</summary>
public readonly struct RealExponential : IRealContinuous
{
    /// <summary>Creates Exponential(<paramref name="rate"/>). Parameters are checked when the distribution is used.</summary>
    public RealExponential(Real rate)
    {
        Rate = rate;
    }

    /// <summary>The rate λ &gt; 0.</summary>
    public Real Rate { get; }

    /// <inheritdoc />
    public string Family => "Exponential";

    /// <inheritdoc />
    public string? ParameterError => new Exponential(Rate.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Exponential(Rate.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var rate = Rate.Value;
        if (!(rate > 0 && !double.IsPositiveInfinity(rate))) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        return Real.Binary(Math.Log(rate) - rate * xv, x, -rate, Rate, 1.0 / rate - xv);
    }

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <inheritdoc />
    public override string ToString() => $"Exponential({Rate})";
}
