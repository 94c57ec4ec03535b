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

    /// <summary>
    /// log Φ(z) for the standard normal CDF Φ, accurate in both tails: log(erfcx(−z/√2)/2) − z²/2 for z ≤ 0 (erfcx
    /// keeps the lower tail from underflowing) and log1p(−erfc(z/√2)/2) for z &gt; 0.
    /// </summary>
    public static Tensor LogNdtr(Tensor z)
    {
        // Each branch sees only its own half line: the other half would overflow erfcx, and an infinite value in
        // the branch that where() discards still turns its gradient into NaN.
        var zn = z.ClampMax(0.0);
        var zp = z.ClampMin(0.0);
        var lower = special.erfcx(zn.Times(-InvSqrt2)).Times(0.5).log() - zn.Times(0.5) * zn;
        var upper = special.erfc(zp.Times(InvSqrt2)).Times(-0.5).log1p();
        return where(z.Le(0.0), lower, upper);
    }

    /// <summary>log I₀(κ) for κ ≥ 0 as log(i0e(κ)) + κ, finite for every finite κ (I₀ itself overflows above ~700).</summary>
    public static Tensor LogBesselI0(Tensor kappa) => special.i0e(kappa).log().Plus(kappa);

    /// <summary>I₁(κ)/I₀(κ) for κ ≥ 0, as the ratio of the exponentially scaled functions.</summary>
    public static Tensor BesselRatioI1I0(Tensor kappa) => special.i1e(kappa) / special.i0e(kappa);
}
