using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The Laplace distribution over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="Laplace"/>.</summary>
public readonly struct RealLaplace : IRealCdf
{
    /// <summary>Creates Laplace(<paramref name="loc"/>, <paramref name="scale"/>). Parameters are checked when the distribution is used.</summary>
    public RealLaplace(Real loc, Real scale)
    {
        Loc = loc;
        Scale = scale;
    }

    /// <summary>The location (finite).</summary>
    public Real Loc { get; }

    /// <summary>The scale &gt; 0.</summary>
    public Real Scale { get; }

    /// <inheritdoc />
    public string Family => "Laplace";

    /// <inheritdoc />
    public string? ParameterError => new Laplace(Loc.Value, Scale.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Laplace(Loc.Value, Scale.Value);

    /// <summary>log p(x) = −log 2b − |x − loc| / b; at x = loc the derivative in x and loc is taken as 0 (a subgradient).</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var loc = Loc.Value;
        var scale = Scale.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var d = xv - loc;
        var ad = Math.Abs(d);
        var value = -Math.Log(2 * scale) - ad / scale;
        var inv = 1.0 / scale;
        var sign = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0;
        return Real.Ternary(value, x, -sign * inv, Loc, sign * inv, Scale, (ad * inv - 1.0) * inv);
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
        var value = SpecialMath.LaplaceLogCdf(z);
        return RealFamilies.LocationScale(value, z < 0 ? 1.0 : 1.0 / (2 * Math.Exp(z) - 1), x, Loc, Scale, z, scale);
    }

    /// <summary>log P(X &gt; x), one node differentiated in x, loc and scale.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var loc = Loc.Value;
        var scale = Scale.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - loc) / scale;
        var value = SpecialMath.LaplaceLogCdf(-z);
        return RealFamilies.LocationScale(value, z > 0 ? -1.0 : -1.0 / (2 * Math.Exp(-z) - 1), x, Loc, Scale, z, scale);
    }

    /// <summary>−∞: the support is ℝ.</summary>
    public Real SupportLower => double.NegativeInfinity;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"Laplace({Loc}, {Scale})";
}
