using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The inverse-gamma distribution with shape α and scale β over <see cref="Real"/> parameters: the
/// differentiable counterpart of <see cref="InverseGamma"/>. The derivative in α needs digamma, skipped when
/// α is a constant.
/// </summary>
public readonly struct RealInverseGamma : IRealCdf
{
    /// <summary>Creates InverseGamma(<paramref name="shape"/>, <paramref name="scale"/>). Parameters are checked when the distribution is used.</summary>
    public RealInverseGamma(Real shape, Real scale)
    {
        Shape = shape;
        Scale = scale;
    }

    /// <summary>The shape α &gt; 0.</summary>
    public Real Shape { get; }

    /// <summary>The scale β &gt; 0.</summary>
    public Real Scale { get; }

    /// <inheritdoc />
    public string Family => "InverseGamma";

    /// <inheritdoc />
    public string? ParameterError => new InverseGamma(Shape.Value, Scale.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new InverseGamma(Shape.Value, Scale.Value);

    /// <inheritdoc />
    public Real LogDensity(Real x)
    {
        var a = Shape.Value;
        var b = Scale.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b))) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0) || double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var logB = Math.Log(b);
        var logX = Math.Log(xv);
        var invX = 1.0 / xv;
        var value = a * logB - SpecialFunctions.GammaLn(a) - (a + 1) * logX - b / xv;
        var da = Shape.IsConstant ? 0.0 : logB - SpecialFunctions.DiGamma(a) - logX;
        return Real.Ternary(value, x, (b * invX - (a + 1)) * invX, Shape, da, Scale, a / b - invX);
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
        var b = Scale.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(xv)) return 0.0;
        var y = b / xv;
        var value = SpecialMath.GammaLogCdfs(a, y).LogCcdf;
        // d/dy of the log CDF of the standard gamma at y: ± p(y) / (P or Q), with p(y) = y^(a−1) e^(−y) / Γ(a).
        var dy = -Math.Exp((a - 1) * Math.Log(y) - y - SpecialFunctions.GammaLn(a) - value);
        var dx = dy * (-b / (xv * xv));
        var db = dy * (1.0 / xv);
        var da = Shape.IsConstant ? 0.0 : SpecialMath.Derivative(s => SpecialMath.GammaLogCdfs(s, y).LogCcdf, a);
        if (RealFamilies.Degenerate(value, dx, db, da)) return value;
        return Real.Ternary(value, x, dx, Shape, da, Scale, db);
    }

    /// <summary>log P(X &gt; x), differentiated in x and in both parameters (the shape by a Richardson-extrapolated central difference of the incomplete gamma function).</summary>
    /// <param name="x">The point.</param>
    public Real LogCcdf(Real x)
    {
        var a = Shape.Value;
        var b = Scale.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b)) || double.IsNaN(x.Value)) return double.NaN;
        var xv = x.Value;
        if (!(xv > 0)) return 0.0;
        if (double.IsPositiveInfinity(xv)) return double.NegativeInfinity;
        var y = b / xv;
        var value = SpecialMath.GammaLogCdfs(a, y).LogCdf;
        // d/dy of the log CDF of the standard gamma at y: ± p(y) / (P or Q), with p(y) = y^(a−1) e^(−y) / Γ(a).
        var dy = Math.Exp((a - 1) * Math.Log(y) - y - SpecialFunctions.GammaLn(a) - value);
        var dx = dy * (-b / (xv * xv));
        var db = dy * (1.0 / xv);
        var da = Shape.IsConstant ? 0.0 : SpecialMath.Derivative(s => SpecialMath.GammaLogCdfs(s, y).LogCdf, a);
        if (RealFamilies.Degenerate(value, dx, db, da)) return value;
        return Real.Ternary(value, x, dx, Shape, da, Scale, db);
    }

    /// <summary>0: the support is [0, ∞).</summary>
    public Real SupportLower => 0.0;

    /// <summary>+∞.</summary>
    public Real SupportUpper => double.PositiveInfinity;

    /// <inheritdoc />
    public override string ToString() => $"InverseGamma({Shape}, {Scale})";
}
