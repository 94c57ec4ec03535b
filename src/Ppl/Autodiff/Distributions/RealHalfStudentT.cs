using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The half-Student-t with ν degrees of freedom and scale σ over <see cref="Real"/> parameters: the differentiable
/// counterpart of <see cref="HalfStudentT"/>. ν is differentiated too (through digamma), skipped when ν is a constant.
/// </summary>
public readonly struct RealHalfStudentT : IRealCdf
{
    /// <summary>Creates HalfStudentT(<paramref name="nu"/>, <paramref name="sigma"/>). Parameters are checked when the distribution is used.</summary>
    public RealHalfStudentT(Real nu, Real sigma)
    {
        Nu = nu;
        Sigma = sigma;
    }

    /// <summary>The degrees of freedom ν &gt; 0.</summary>
    public Real Nu { get; }

    /// <summary>The scale σ &gt; 0.</summary>
    public Real Sigma { get; }

    /// <inheritdoc />
    public string Family => "HalfStudentT";

    /// <inheritdoc />
    public string? ParameterError => new HalfStudentT(Nu.Value, Sigma.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new HalfStudentT(Nu.Value, Sigma.Value);

    private bool Valid(out double nu, out double sigma)
    {
        nu = Nu.Value;
        sigma = Sigma.Value;
        return nu > 0 && !double.IsPositiveInfinity(nu) && sigma > 0 && !double.IsPositiveInfinity(sigma);
    }

    /// <summary>log 2 + the Student-t log density for x ≥ 0 (−∞ below 0 and at +∞), one node in x, σ and ν.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        if (!Valid(out var nu, out var sigma)) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var z = xv / sigma;
        var q = z * z / nu;
        var log1pQ = MathUtil.Log1p(q);
        var value = SpecialMath.Ln2 + SpecialFunctions.GammaLn(0.5 * (nu + 1)) - SpecialFunctions.GammaLn(0.5 * nu)
            - 0.5 * Math.Log(nu * Math.PI) - Math.Log(sigma) - 0.5 * (nu + 1) * log1pQ;
        var onePlusQ = 1.0 + q;
        var dz = -(nu + 1) * z / (nu * onePlusQ);
        var inv = 1.0 / sigma;
        var dnu = Nu.IsConstant
            ? 0.0
            : 0.5 * (SpecialFunctions.DiGamma(0.5 * (nu + 1)) - SpecialFunctions.DiGamma(0.5 * nu)) - 0.5 / nu
              - 0.5 * log1pQ + 0.5 * (nu + 1) * q / (nu * onePlusQ);
        return Real.Ternary(value, x, dz * inv, Sigma, (-dz * z - 1.0) * inv, Nu, dnu);
    }

    /// <summary>log P(X ≤ x), one node in x, σ and ν (ν by a Richardson-extrapolated central difference of the incomplete beta function).</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x) => Cdf(x, upper: false);

    /// <summary>log P(X &gt; x), one node in x, σ and ν.</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x) => Cdf(x, upper: true);

    private Real Cdf(in Real x, bool upper)
    {
        if (!Valid(out var nu, out var sigma) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return upper ? 0.0 : double.NegativeInfinity;
        var z = xv / sigma;
        var value = upper ? SpecialMath.HalfStudentTLogCcdf(z, nu) : SpecialMath.HalfStudentTLogCdf(z, nu);
        // The standard half-t density 2 t(z) over the CDF (or minus it over the survival function).
        var dz = (upper ? -1.0 : 1.0) * Math.Exp(SpecialMath.Ln2 + SpecialMath.StudentTLogDensity(z, nu) - value);
        if (RealFamilies.Degenerate(value, dz, z)) return value;
        var dnu = Nu.IsConstant ? 0.0 : SpecialMath.Derivative(v => upper ? SpecialMath.HalfStudentTLogCcdf(z, v) : SpecialMath.HalfStudentTLogCdf(z, v), nu);
        var inv = 1.0 / sigma;
        return Real.Ternary(value, x, dz * inv, Sigma, -dz * z * inv, Nu, dnu);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <inheritdoc />
    public override string ToString() => $"HalfStudentT({Nu}, {Sigma})";
}
