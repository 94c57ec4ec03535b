using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The Cauchy distribution over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="Cauchy"/>.</summary>
public readonly struct RealCauchy : IRealCdf
{
    /// <summary>Creates Cauchy(<paramref name="loc"/>, <paramref name="scale"/>). Parameters are checked when the distribution is used.</summary>
    public RealCauchy(Real loc, Real scale)
    {
        Loc = loc;
        Scale = scale;
    }

    /// <summary>The location (finite).</summary>
    public Real Loc { get; }

    /// <summary>The scale &gt; 0.</summary>
    public Real Scale { get; }

    /// <inheritdoc />
    public string Family => "Cauchy";

    /// <inheritdoc />
    public string? ParameterError => new Cauchy(Loc.Value, Scale.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Cauchy(Loc.Value, Scale.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var loc = Loc.Value;
        var scale = Scale.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var z = (xv - loc) / scale;
        var value = -Math.Log(Math.PI * scale) - MathUtil.Log1p(z * z);
        var inv = 1.0 / scale;
        var dz = -2.0 * z / (1.0 + z * z);
        return Real.Ternary(value, x, dz * inv, Loc, -dz * inv, Scale, (-dz * z - 1.0) * inv);
    }

    /// <summary>The identity: the support is ℝ (the log-Jacobian is unchanged).</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian, left as it is.</param>
    public Real Constrain(Real u, ref Real logJacobian) => u;

    /// <inheritdoc />
    public double Unconstrain(double x) => x;

    /// <summary>log P(X ≤ x), one node differentiated in x, loc and scale.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var loc = Loc.Value;
        var scale = Scale.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - loc) / scale;
        var value = SpecialMath.CauchyLogCdf(z);
        return RealFamilies.LocationScale(value, Math.Exp(-Math.Log(Math.PI) - MathUtil.Log1p(z * z) - value), x, Loc, Scale, z, scale);
    }

    /// <summary>log P(X &gt; x), one node differentiated in x, loc and scale.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var loc = Loc.Value;
        var scale = Scale.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - loc) / scale;
        var value = SpecialMath.CauchyLogCdf(-z);
        return RealFamilies.LocationScale(value, -Math.Exp(-Math.Log(Math.PI) - MathUtil.Log1p(z * z) - value), x, Loc, Scale, z, scale);
    }

    /// <summary>−∞: the support is ℝ.</summary>
    public Real SupportLower => double.NegativeInfinity;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"Cauchy({Loc}, {Scale})";
}
