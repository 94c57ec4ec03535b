using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The gamma distribution with shape α and rate β over <see cref="Real"/> parameters: the differentiable
/// counterpart of <see cref="Gamma"/>. The derivative in α needs digamma, skipped when α is a constant.
/// </summary>
public readonly struct RealGamma : IRealCdf
{
    /// <summary>Creates Gamma(<paramref name="shape"/>, <paramref name="rate"/>). Parameters are checked when the distribution is used.</summary>
    public RealGamma(Real shape, Real rate)
    {
        Shape = shape;
        Rate = rate;
    }

    /// <summary>The shape α &gt; 0.</summary>
    public Real Shape { get; }

    /// <summary>The rate β &gt; 0.</summary>
    public Real Rate { get; }

    /// <inheritdoc />
    public string Family => "Gamma";

    /// <inheritdoc />
    public string? ParameterError => new Gamma(Shape.Value, Rate.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Gamma(Shape.Value, Rate.Value);

    /// <summary>log p(x) = α log β − log Γ(α) + (α − 1) log x − βx on [0, ∞) (at x = 0 as the double family: 0·log 0 = 0); −∞ elsewhere.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var a = Shape.Value;
        var b = Rate.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b))) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var logB = Math.Log(b);
        var value = a * logB - SpecialFunctions.GammaLn(a) + MathUtil.XLogY(a - 1, xv) - b * xv;
        // At x = 0 the density is 0 or ∞ unless α = 1; an infinite value carries no derivative.
        if (!double.IsFinite(value)) return value;
        var da = Shape.IsConstant ? 0.0 : logB - SpecialFunctions.DiGamma(a) + Math.Log(xv);
        return Real.Ternary(value, x, RealFamilies.XOverY(a - 1, xv) - b, Shape, da, Rate, a / b - xv);
    }

    /// <summary>x = eᵘ onto (0, ∞), as <see cref="LowerBoundBijector.Positive"/>; adds u to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainPositive(u, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainPositive(x);

    /// <summary>log P(X ≤ x), differentiated in x and in both parameters (the shape by a Richardson-extrapolated central difference of the incomplete gamma function).</summary>
    /// <param name="x">The point.</param>
    public Real LogCdf(Real x)
    {
        var a = Shape.Value;
        var b = Rate.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(xv)) return 0.0;
        var y = b * xv;
        var value = SpecialMath.GammaLogCdfs(a, y).LogCdf;
        // d/dy of the log CDF of the standard gamma at y: ± p(y) / (P or Q), with p(y) = y^(a−1) e^(−y) / Γ(a).
        var dy = Math.Exp((a - 1) * Math.Log(y) - y - SpecialFunctions.GammaLn(a) - value);
        var dx = dy * (b);
        var db = dy * (xv);
        var da = Shape.IsConstant ? 0.0 : SpecialMath.Derivative(s => SpecialMath.GammaLogCdfs(s, y).LogCdf, a);
        if (RealFamilies.Degenerate(value, dx, db, da)) return value;
        return Real.Ternary(value, x, dx, Shape, da, Rate, db);
    }

    /// <summary>log P(X &gt; x), differentiated in x and in both parameters (the shape by a Richardson-extrapolated central difference of the incomplete gamma function).</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var a = Shape.Value;
        var b = Rate.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return 0.0;
        if (double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var y = b * xv;
        var value = SpecialMath.GammaLogCdfs(a, y).LogCcdf;
        // d/dy of the log CDF of the standard gamma at y: ± p(y) / (P or Q), with p(y) = y^(a−1) e^(−y) / Γ(a).
        var dy = -Math.Exp((a - 1) * Math.Log(y) - y - SpecialFunctions.GammaLn(a) - value);
        var dx = dy * (b);
        var db = dy * (xv);
        var da = Shape.IsConstant ? 0.0 : SpecialMath.Derivative(s => SpecialMath.GammaLogCdfs(s, y).LogCcdf, a);
        if (RealFamilies.Degenerate(value, dx, db, da)) return value;
        return Real.Ternary(value, x, dx, Shape, da, Rate, db);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"Gamma({Shape}, {Rate})";
}
