using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The half-normal with scale σ over a <see cref="Real"/> parameter: the differentiable counterpart of <see cref="HalfNormal"/>.</summary>
public readonly struct RealHalfNormal : IRealContinuous
{
    /// <summary>Creates HalfNormal(<paramref name="sigma"/>). Parameters are checked when the distribution is used.</summary>
    public RealHalfNormal(Real sigma)
    {
        Sigma = sigma;
    }

    /// <summary>The scale σ &gt; 0.</summary>
    public Real Sigma { get; }

    /// <inheritdoc />
    public string Family => "HalfNormal";

    /// <inheritdoc />
    public string? ParameterError => new HalfNormal(Sigma.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new HalfNormal(Sigma.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var sigma = Sigma.Value;
        if (!(sigma > 0 && !double.IsPositiveInfinity(sigma))) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var inv = 1.0 / sigma;
        var z = xv / sigma;
        // log 2 − ½ log 2π, in the double family's order.
        var value = -0.5 * z * z - Math.Log(sigma) + 0.69314718055994531 - RealFamilies.HalfLog2Pi;
        return Real.Binary(value, x, -z * inv, Sigma, (z * z - 1.0) * inv);
    }

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <inheritdoc />
    public override string ToString() => $"HalfNormal({Sigma})";
}
