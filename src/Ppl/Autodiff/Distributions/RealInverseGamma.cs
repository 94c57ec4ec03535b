using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The inverse-gamma distribution with shape α and scale β over <see cref="Real"/> parameters: the
/// differentiable counterpart of <see cref="InverseGamma"/>. The derivative in α needs digamma, skipped when
/// α is a constant.
/// </summary>
public readonly struct RealInverseGamma : IRealContinuous
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

    /// <inheritdoc />
    public override string ToString() => $"InverseGamma({Shape}, {Scale})";
}
