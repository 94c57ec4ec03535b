using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The exponential distribution over a <see cref="Real"/> rate: the differentiable counterpart of <see cref="Exponential"/>.</summary>
public readonly struct RealExponential : IRealCdf
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

    /// <summary>log P(X ≤ x) = log(1 − e^(−λx)) for x &gt; 0 (−∞ at and below 0), differentiated in x and λ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var rate = Rate.Value;
        if (!(rate > 0 && !double.IsPositiveInfinity(rate)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return double.NegativeInfinity;
        var value = MathUtil.Log1mExp(-rate * xv);
        var e = MathUtil.Expm1(rate * xv);
        if (RealFamilies.Degenerate(value, rate / e, xv / e)) return value;
        return Real.Binary(value, x, rate / e, Rate, xv / e);
    }

    /// <summary>log P(X &gt; x) = −λx for x &gt; 0 (0 at and below 0), differentiated in x and λ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var rate = Rate.Value;
        if (!(rate > 0 && !double.IsPositiveInfinity(rate)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return 0.0;
        if (double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        return Real.Binary(-rate * xv, x, -rate, Rate, -xv);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"Exponential({Rate})";
}
