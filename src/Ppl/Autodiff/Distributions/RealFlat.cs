using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The improper flat prior on ℝ: the differentiable counterpart of <see cref="Flat"/> (log density 0, no parameters).</summary>
public readonly struct RealFlat : IRealContinuous
{
    /// <inheritdoc />
    public string Family => "Flat";

    /// <summary>Always null: the family has no parameters.</summary>
    public string? ParameterError => null;

    /// <inheritdoc />
    public IDistribution AtValues() => new Flat();

    /// <summary>0 (a constant) for every finite x; −∞ for NaN and ±∞.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x) => double.IsFinite(x.Value) ? 0.0 : double.NegativeInfinity;

    /// <summary>The identity: the support is ℝ (the log-Jacobian is unchanged).</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian, left as it is.</param>
    public Real Constrain(Real u, ref Real logJacobian) => u;

    /// <inheritdoc />
    public double Unconstrain(double x) => x;

    /// <inheritdoc />
    public override string ToString() => "Flat()";
}
