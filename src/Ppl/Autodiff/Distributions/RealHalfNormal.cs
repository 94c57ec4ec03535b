using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The half-normal with scale σ over a <see cref="Real"/> parameter: the differentiable counterpart of <see cref="HalfNormal"/>.</summary>
public readonly struct RealHalfNormal : IRealCdf
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

    /// <summary>log P(X ≤ x) = log erf(x/(σ√2)) for x &gt; 0 (−∞ at and below 0), one node differentiated in x and σ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var sigma = Sigma.Value;
        if (!(sigma > 0 && !double.IsPositiveInfinity(sigma)) || double.IsNaN(x.Value)) return double.NaN;
        if (!(x.Value > 0)) return double.NegativeInfinity;
        var z = x.Value / sigma;
        var value = SpecialMath.HalfNormalLogCdf(z);
        // The standard half-normal density 2φ(z) over its CDF.
        var dz = Math.Exp(SpecialMath.Ln2 - 0.5 * z * z - SpecialMath.HalfLog2Pi - value);
        return RealFamilies.LocationScale(value, dz, x, 0.0, Sigma, z, sigma);
    }

    /// <summary>log P(X &gt; x) = log 2 + log Φ(−x/σ) for x &gt; 0 (0 at and below 0), one node differentiated in x and σ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var sigma = Sigma.Value;
        if (!(sigma > 0 && !double.IsPositiveInfinity(sigma)) || double.IsNaN(x.Value)) return double.NaN;
        if (!(x.Value > 0)) return 0.0;
        var z = x.Value / sigma;
        return RealFamilies.LocationScale(SpecialMath.Ln2 + SpecialMath.LogPhi(-z), -SpecialMath.InverseMills(-z), x, 0.0, Sigma, z, sigma);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"HalfNormal({Sigma})";
}
