using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The gamma distribution with shape α and rate β over <see cref="Real"/> parameters: the differentiable
/// counterpart of <see cref="Gamma"/>. The derivative in α needs digamma, skipped when α is a constant.
/// </summary>
public readonly struct RealGamma : IRealContinuous
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

    /// <inheritdoc />
    public override string ToString() => $"Gamma({Shape}, {Rate})";
}
