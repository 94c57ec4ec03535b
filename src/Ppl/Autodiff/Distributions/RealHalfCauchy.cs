using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The half-Cauchy distribution over a <see cref="Real"/> parameter: the differentiable counterpart of <see cref="HalfCauchy"/>.</summary>
public readonly struct RealHalfCauchy : IRealContinuous
{
    /// <summary>Creates HalfCauchy(<paramref name="scale"/>). Parameters are checked when the distribution is used.</summary>
    public RealHalfCauchy(Real scale)
    {
        Scale = scale;
    }

    /// <summary>The scale &gt; 0.</summary>
    public Real Scale { get; }

    /// <inheritdoc />
    public string Family => "HalfCauchy";

    /// <inheritdoc />
    public string? ParameterError => new HalfCauchy(Scale.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new HalfCauchy(Scale.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var scale = Scale.Value;
        if (!(scale > 0 && !double.IsPositiveInfinity(scale))) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var z = xv / scale;
        var value = Math.Log(2 / (Math.PI * scale)) - MathUtil.Log1p(z * z);
        var inv = 1.0 / scale;
        var dz = -2.0 * z / (1.0 + z * z);
        return Real.Binary(value, x, dz * inv, Scale, (-dz * z - 1.0) * inv);
    }

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <inheritdoc />
    public override string ToString() => $"HalfCauchy({Scale})";
}
