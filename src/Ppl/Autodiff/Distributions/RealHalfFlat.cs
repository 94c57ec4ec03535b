using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The improper flat prior on [0, ∞): the differentiable counterpart of <see cref="HalfFlat"/> (log density 0, no parameters).</summary>
public readonly struct RealHalfFlat : IRealContinuous
{
    /// <inheritdoc />
    public string Family => "HalfFlat";

    /// <summary>Always null: the family has no parameters.</summary>
    public string? ParameterError => null;

    /// <inheritdoc />
    public IDistribution AtValues() => new HalfFlat();

    /// <summary>0 (a constant) for every finite x ≥ 0; −∞ below 0, for NaN and for +∞.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x) => x.Value >= 0 && !double.IsPositiveInfinity(x.Value) ? 0.0 : double.NegativeInfinity;

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <inheritdoc />
    public override string ToString() => "HalfFlat()";
}
