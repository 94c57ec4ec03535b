using MathNet.Numerics;
using Ppl.Distributions;

namespace Ppl.Autodiff;

/// <summary>
/// The beta distribution on [0, 1] with shapes α and β over <see cref="Real"/> parameters: the
/// differentiable counterpart of <see cref="Beta"/>. The derivatives in the shapes need digamma, skipped
/// when both shapes are constants.
/// </summary>
public readonly struct RealBeta : IRealContinuous
{
    /// <summary>Creates Beta(<paramref name="alpha"/>, <paramref name="beta"/>). Parameters are checked when the distribution is used.</summary>
    public RealBeta(Real alpha, Real beta)
    {
        Alpha = alpha;
        BetaParameter = beta;
    }

    /// <summary>The first shape α &gt; 0.</summary>
    public Real Alpha { get; }

    /// <summary>The second shape β &gt; 0 (named as the double family's).</summary>
    public Real BetaParameter { get; }

    /// <inheritdoc />
    public string Family => "Beta";

    /// <inheritdoc />
    public string? ParameterError => new Beta(Alpha.Value, BetaParameter.Value).ParameterError;

    /// <inheritdoc />
    public IDistribution AtValues() => new Beta(Alpha.Value, BetaParameter.Value);

    /// <summary>log p(x) = (α − 1) log x + (β − 1) log(1 − x) − log B(α, β) on [0, 1] (at the ends as the double family: 0·log 0 = 0); −∞ elsewhere.</summary>
    /// <param name="x">The value.</param>
    public Real LogDensity(Real x)
    {
        var a = Alpha.Value;
        var b = BetaParameter.Value;
        if (!(a > 0 && !double.IsPositiveInfinity(a) && b > 0 && !double.IsPositiveInfinity(b))) return double.NaN;
        var xv = x.Value;
        if (!(xv >= 0 && xv <= 1)) return double.NegativeInfinity;
        var value = MathUtil.XLogY(a - 1, xv) + MathUtil.XLog1pY(b - 1, -xv) - SpecialFunctions.BetaLn(a, b);
        // At an end the density is 0 or ∞ unless that shape is 1; an infinite value carries no derivative.
        if (!double.IsFinite(value)) return value;
        var dx = RealFamilies.XOverY(a - 1, xv) - RealFamilies.XOverY(b - 1, 1 - xv);
        double da = 0, db = 0;
        if (!(Alpha.IsConstant && BetaParameter.IsConstant))
        {
            var psiAb = SpecialFunctions.DiGamma(a + b);
            if (!Alpha.IsConstant) da = Math.Log(xv) - SpecialFunctions.DiGamma(a) + psiAb;
            if (!BetaParameter.IsConstant) db = MathUtil.Log1p(-xv) - SpecialFunctions.DiGamma(b) + psiAb;
        }
        return Real.Ternary(value, x, dx, Alpha, da, BetaParameter, db);
    }

    /// <summary>x = σ(u) onto (0, 1), as <see cref="IntervalBijector.Unit"/>; adds log σ(u) + log(1 − σ(u)) to <paramref name="logJacobian"/>.</summary>
    /// <param name="u">The unconstrained value.</param>
    /// <param name="logJacobian">The running log-Jacobian.</param>
    public Real Constrain(Real u, ref Real logJacobian) => RealFamilies.ConstrainInterval(u, 0.0, 1.0, ref logJacobian);

    /// <inheritdoc />
    public double Unconstrain(double x) => RealFamilies.UnconstrainInterval(x, 0.0, 1.0);

    /// <inheritdoc />
    public override string ToString() => $"Beta({Alpha}, {BetaParameter})";
}
