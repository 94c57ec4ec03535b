using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// Special functions of the tensor families that libtorch lacks in a stable form (it has no <c>log_ndtr</c>
/// in TorchSharp, and <c>i0</c> overflows): each is written from functions that stay finite, and so keep
/// finite gradients, over the whole real line.
/// </summary>
internal static class TensorSpecial
{
    private const double InvSqrt2 = 0.70710678118654752440;
    private const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>
    /// log Φ(z) for the standard normal CDF Φ, accurate in both tails, as <see cref="SpecialMath.LogPhi"/>:
    /// log1p(−erfc(z/√2)/2) above 0, log(erfc(−z/√2)/2) down to a cut (−30 in float64, −10 in lower precision, where
    /// erfc is still far from underflow), and below it the asymptotic series of the Mills ratio. (erfcx would make this
    /// one branch, but TorchSharp 0.107's <c>special.erfcx</c> computes erfc.)
    /// </summary>
    public static Tensor LogNdtr(Tensor z)
    {
        var cut = z.dtype == ScalarType.Float64 ? -30.0 : -10.0;
        // Each branch sees only its own part of the line, clamped: outside it a branch overflows or underflows, and an
        // infinite value in the branch that where() discards still turns its gradient into NaN.
        var zp = z.ClampMin(0.0);
        var zm = z.Clamp(cut, 0.0);
        var zt = z.ClampMax(cut);
        var upper = special.erfc(zp.Times(InvSqrt2)).Times(-0.5).log1p();
        var middle = special.erfc(zm.Times(-InvSqrt2)).Times(0.5).log();
        // Φ(z) = φ(z) Σ / (−z) with Σ = 1 − 1/z² + 3/z⁴ − 15/z⁶ + 105/z⁸ − 945/z¹⁰ (error below 1e-16 for z ≤ −30).
        var w = zt.Squared().reciprocal();
        var series = ((((w.Times(-945.0).Plus(105.0) * w).Minus(15.0) * w).Plus(3.0) * w).Minus(1.0) * w).Plus(1.0);
        var tail = (zt.Times(-0.5) * zt - zt.neg().log()).Plus(series.log()).Minus(HalfLog2Pi);
        return where(z.Gt(0.0), upper, where(z.Gt(cut), middle, tail));
    }

    /// <summary>log I₀(κ) for κ ≥ 0 as log(i0e(κ)) + κ, finite for every finite κ (I₀ itself overflows above ~700).</summary>
    public static Tensor LogBesselI0(Tensor kappa) => special.i0e(kappa).log().Plus(kappa);

    /// <summary>I₁(κ)/I₀(κ) for κ ≥ 0, as the ratio of the exponentially scaled functions.</summary>
    public static Tensor BesselRatioI1I0(Tensor kappa) => special.i1e(kappa) / special.i0e(kappa);
}
