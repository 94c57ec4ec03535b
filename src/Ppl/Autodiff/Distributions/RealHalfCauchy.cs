using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The half-Cauchy distribution over a <see cref="Real"/> parameter: the differentiable counterpart of <see cref="HalfCauchy"/>.</summary>
public readonly struct RealHalfCauchy : IRealCdf
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

    /// <summary>log P(X ≤ x) = log((2/π) atan(x/s)) for x &gt; 0 (−∞ at and below 0), one node differentiated in x and s.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x) => Cdf(x, upper: false);

    /// <summary>log P(X &gt; x) = log((2/π) atan(s/x)) for x &gt; 0 (0 at and below 0), one node differentiated in x and s.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x) => Cdf(x, upper: true);

    private Real Cdf(in Real x, bool upper)
    {
        var s = Scale.Value;
        if (!(s > 0 && !double.IsPositiveInfinity(s)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return upper ? 0.0 : double.NegativeInfinity;
        if (double.IsPositiveInfinity(xv)) return upper ? double.NegativeInfinity : 0.0;
        var angle = upper ? Math.Atan(s / xv) : Math.Atan(xv / s);
        var value = Math.Log(2 / Math.PI * angle);
        // d/dx atan(x/s) = s/(x² + s²), d/ds atan(x/s) = −x/(x² + s²); the survival form has the opposite signs.
        var r2 = xv * xv + s * s;
        var sign = upper ? -1.0 : 1.0;
        var dx = sign * s / (r2 * angle);
        var ds = -sign * xv / (r2 * angle);
        if (RealFamilies.Degenerate(value, dx, ds)) return value;
        return Real.Binary(value, x, dx, Scale, ds);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"HalfCauchy({Scale})";
}
