using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>N(μ, σ²) over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="Normal"/>.</summary>
public readonly struct RealNormal : IRealCdf
{
    /// <summary>Creates N(<paramref name="mu"/>, <paramref name="sigma"/>²). Parameters are checked when the distribution is used.</summary>
    public RealNormal(Real mu, Real sigma)
    {
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The mean μ (finite).</summary>
    public Real Mu { get; }

    /// <summary>The standard deviation σ &gt; 0.</summary>
    public Real Sigma { get; }

    /// <inheritdoc />
    public string Family => "Normal";

    /// <inheritdoc />
    public string? ParameterError => new Normal(Mu.Value, Sigma.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Normal(Mu.Value, Sigma.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var mu = Mu.Value;
        var sigma = Sigma.Value;
        if (!(double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var inv = 1.0 / sigma;
        var z = (xv - mu) / sigma;
        var value = -0.5 * z * z - (sigma == 1 ? 0 : Math.Log(sigma)) - RealFamilies.HalfLog2Pi;
        var dz = z * inv;
        return Real.Ternary(value, x, -dz, Mu, dz, Sigma, (z * z - 1.0) * inv);
    }

    /// <summary>The identity: the support is ℝ (the log-Jacobian is unchanged).</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian, left as it is.</param>
    public Real Constrain(Real u, ref Real logJacobian) => u;

    /// <inheritdoc />
    public double Unconstrain(double x) => x;

    /// <summary>log P(X ≤ x) = log Φ((x − μ)/σ), one node differentiated in x, mu and sigma.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var loc = Mu.Value;
        var scale = Sigma.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - loc) / scale;
        var value = SpecialMath.LogPhi(z);
        return RealFamilies.LocationScale(value, SpecialMath.InverseMills(z), x, Mu, Sigma, z, scale);
    }

    /// <summary>log P(X &gt; x), one node differentiated in x, mu and sigma.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var loc = Mu.Value;
        var scale = Sigma.Value;
        if (!(double.IsFinite(loc) && scale > 0 && !double.IsPositiveInfinity(scale)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - loc) / scale;
        var value = SpecialMath.LogPhi(-z);
        return RealFamilies.LocationScale(value, -SpecialMath.InverseMills(-z), x, Mu, Sigma, z, scale);
    }

    /// <summary>−∞: the support is ℝ.</summary>
    public Real SupportLower => double.NegativeInfinity;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"Normal({Mu}, {Sigma})";
}
