using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>The log-normal (exp of N(μ, σ²)) over <see cref="Real"/> parameters: the differentiable counterpart of <see cref="LogNormal"/>.</summary>
public readonly struct RealLogNormal : IRealContinuous
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

    /// <inheritdoc />
    public override string ToString() => $"LogNormal({Mu}, {Sigma})";
}
