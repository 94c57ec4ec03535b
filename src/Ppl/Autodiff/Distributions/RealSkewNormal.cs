using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The skew-normal with location ξ, scale ω and shape α over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="SkewNormal"/>.</summary>
public readonly struct RealSkewNormal : IRealContinuous
{
    /// <summary>Creates SkewNormal(<paramref name="xi"/>, <paramref name="omega"/>, <paramref name="alpha"/>). Parameters are checked when the distribution is used.</summary>
    public RealSkewNormal(Real xi, Real omega, Real alpha)
    {
        Xi = xi;
        Omega = omega;
        Alpha = alpha;
    }

    /// <summary>The location ξ (finite).</summary>
    public Real Xi { get; }

    /// <summary>The scale ω &gt; 0.</summary>
    public Real Omega { get; }

    /// <summary>The shape α (finite).</summary>
    public Real Alpha { get; }

    /// <inheritdoc />
    public string Family => "SkewNormal";

    /// <inheritdoc />
    public string? ParameterError => new SkewNormal(Xi.Value, Omega.Value, Alpha.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new SkewNormal(Xi.Value, Omega.Value, Alpha.Value);

    /// <summary>
    /// log 2 − log ω + log φ(z) + log Φ(αz) with z = (x − ξ)/ω: d/dz = −z + α M(αz) and d/dα = z M(αz), with M = φ/Φ
    /// the inverse Mills ratio (stable deep in the lower tail).
    /// </summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var xi = Xi.Value;
        var omega = Omega.Value;
        var alpha = Alpha.Value;
        if (!(double.IsFinite(xi) && omega > 0 && !double.IsPositiveInfinity(omega) && double.IsFinite(alpha))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var z = (xv - xi) / omega;
        var value = SpecialMath.Ln2 - Math.Log(omega) - 0.5 * z * z - SpecialMath.HalfLog2Pi + SpecialMath.LogPhi(alpha * z);
        var mills = SpecialMath.InverseMills(alpha * z);
        var dz = -z + alpha * mills;
        var inv = 1.0 / omega;
        return RealFamilies.Quaternary(value, x, dz * inv, Xi, -dz * inv, Omega, (-dz * z - 1.0) * inv, Alpha, z * mills);
    }

    /// <summary>The identity: the support is ℝ (the log-Jacobian is unchanged).</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian, left as it is.</param>
    public Real Constrain(Real u, ref Real logJacobian) => u;

    /// <inheritdoc />
    public double Unconstrain(double x) => x;

    /// <inheritdoc />
    public override string ToString() => $"SkewNormal({Xi}, {Omega}, {Alpha})";
}
