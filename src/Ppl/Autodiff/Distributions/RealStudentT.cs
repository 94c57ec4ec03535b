using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// Student's t with ν degrees of freedom, location μ and scale σ over <see cref="Real"/> parameters: the
/// differentiable counterpart of <see cref="StudentT"/>. ν is differentiated too (through digamma), at the
/// cost of two digamma evaluations, skipped when ν is a constant.
/// </summary>
public readonly struct RealStudentT : IRealCdf
{
    /// <summary>Creates StudentT(<paramref name="nu"/>, <paramref name="mu"/>, <paramref name="sigma"/>). Parameters are checked when the distribution is used.</summary>
    public RealStudentT(Real nu, Real mu, Real sigma)
    {
        Nu = nu;
        Mu = mu;
        Sigma = sigma;
    }

    /// <summary>The degrees of freedom ν &gt; 0.</summary>
    public Real Nu { get; }

    /// <summary>The location μ (finite).</summary>
    public Real Mu { get; }

    /// <summary>The scale σ &gt; 0.</summary>
    public Real Sigma { get; }

    /// <inheritdoc />
    public string Family => "StudentT";

    /// <inheritdoc />
    public string? ParameterError => new StudentT(Nu.Value, Mu.Value, Sigma.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new StudentT(Nu.Value, Mu.Value, Sigma.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var nu = Nu.Value;
        var mu = Mu.Value;
        var sigma = Sigma.Value;
        if (!(nu > 0 && !double.IsPositiveInfinity(nu) && double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma))) return double.NaN;
        var xv = x.Value;
        if (!double.IsFinite(xv)) return double.NegativeInfinity;
        var z = (xv - mu) / sigma;
        var q = z * z / nu;
        var log1pQ = MathUtil.Log1p(q);
        var value = SpecialFunctions.GammaLn(0.5 * (nu + 1)) - SpecialFunctions.GammaLn(0.5 * nu)
            - 0.5 * Math.Log(nu * Math.PI) - Math.Log(sigma) - 0.5 * (nu + 1) * log1pQ;
        // ∂/∂z of −(ν + 1)/2 · log(1 + z²/ν) = −(ν + 1) z / (ν (1 + z²/ν)) = −(ν + 1) z / (ν + z²).
        var onePlusQ = 1.0 + q;
        var dz = -(nu + 1) * z / (nu * onePlusQ);
        var inv = 1.0 / sigma;
        // ∂/∂ν = ½ψ((ν + 1)/2) − ½ψ(ν/2) − 1/(2ν) − ½ log(1 + q) + (ν + 1)/2 · q / (ν (1 + q)).
        var dnu = Nu.IsConstant
            ? 0.0
            : 0.5 * (SpecialFunctions.DiGamma(0.5 * (nu + 1)) - SpecialFunctions.DiGamma(0.5 * nu)) - 0.5 / nu
              - 0.5 * log1pQ + 0.5 * (nu + 1) * q / (nu * onePlusQ);
        return RealFamilies.Quaternary(value, x, dz * inv, Mu, -dz * inv, Sigma, (-dz * z - 1.0) * inv, Nu, dnu);
    }

    /// <summary>The identity: the support is ℝ (the log-Jacobian is unchanged).</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian, left as it is.</param>
    public Real Constrain(Real u, ref Real logJacobian) => u;

    /// <inheritdoc />
    public double Unconstrain(double x) => x;

    /// <summary>
    /// log P(X ≤ x), differentiated in x, μ and σ analytically and in ν by a Richardson-extrapolated central difference of
    /// the incomplete beta function (skipped when ν is a constant).
    /// </summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x) => Cdf(x, upper: false);

    /// <summary>log P(X &gt; x), differentiated as <see cref="LogCdf"/>.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x) => Cdf(x, upper: true);

    private Real Cdf(in Real x, bool upper)
    {
        var nu = Nu.Value;
        var mu = Mu.Value;
        var sigma = Sigma.Value;
        if (!(nu > 0 && !double.IsPositiveInfinity(nu) && double.IsFinite(mu) && sigma > 0 && !double.IsPositiveInfinity(sigma)) || double.IsNaN(x.Value)) return double.NaN;
        var z = (x.Value - mu) / sigma;
        var signed = upper ? -z : z;
        var value = SpecialMath.StudentTLogCdf(signed, nu);
        var dz = (upper ? -1.0 : 1.0) * Math.Exp(SpecialMath.StudentTLogDensity(z, nu) - value);
        if (RealFamilies.Degenerate(value, dz, z)) return value;
        var dnu = Nu.IsConstant ? 0.0 : SpecialMath.Derivative(v => SpecialMath.StudentTLogCdf(signed, v), nu);
        var inv = 1.0 / sigma;
        return RealFamilies.Quaternary(value, x, dz * inv, Mu, -dz * inv, Sigma, -dz * z * inv, Nu, dnu);
    }

    /// <summary>−∞: the support is ℝ.</summary>
    public Real SupportLower => double.NegativeInfinity;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"StudentT({Nu}, {Mu}, {Sigma})";
}
