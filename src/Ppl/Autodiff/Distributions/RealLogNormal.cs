using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The log-normal (exp of N(μ, σ²)) over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="LogNormal"/>.</summary>
public readonly struct RealLogNormal : IRealCdf
{
    /// <summary>Creates LogNormal(<paramref name="mu"/>, <paramref name="sigma"/>). Parameters are checked when the distribution is used.</summary>
    public RealLogNormal(Real mu, Real sigma)
    {
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The mean μ of the logarithm (finite).</summary>
    public Real Mu { get; }

    /// <summary>The standard deviation σ &gt; 0 of the logarithm.</summary>
    public Real Sigma { get; }

    /// <inheritdoc />
    public string Family => "LogNormal";

    /// <inheritdoc />
    public string? ParameterError => new LogNormal(Mu.Value, Sigma.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new LogNormal(Mu.Value, Sigma.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var mu = Mu.Value;
        var sigma = Sigma.Value;
        if (!(double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma))) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var logX = Math.Log(xv);
        var inv = 1.0 / sigma;
        var z = (logX - mu) / sigma;
        var value = -0.5 * z * z - Math.Log(sigma) - logX - RealFamilies.HalfLog2Pi;
        var dz = z * inv;
        return Real.Ternary(value, x, (-dz - 1.0) / xv, Mu, dz, Sigma, (z * z - 1.0) * inv);
    }

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <summary>log P(X ≤ x) = log Φ((log x − μ)/σ) for x &gt; 0 (−∞ at and below 0), one node differentiated in x, μ and σ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x) => Cdf(x, upper: false);

    /// <summary>log P(X &gt; x) = log Φ(−(log x − μ)/σ) for x &gt; 0 (0 at and below 0), one node differentiated in x, μ and σ.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x) => Cdf(x, upper: true);

    private Real Cdf(in Real x, bool upper)
    {
        var mu = Mu.Value;
        var sigma = Sigma.Value;
        if (!(double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return upper ? 0.0 : double.NegativeInfinity;
        var z = (Math.Log(xv) - mu) / sigma;
        var value = upper ? SpecialMath.LogPhi(-z) : SpecialMath.LogPhi(z);
        var dz = upper ? -SpecialMath.InverseMills(-z) : SpecialMath.InverseMills(z);
        var inv = 1.0 / sigma;
        if (RealFamilies.Degenerate(value, dz, z)) return value;
        return Real.Ternary(value, x, dz * inv / xv, Mu, -dz * inv, Sigma, -dz * z * inv);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"LogNormal({Mu}, {Sigma})";
}
