using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>The log density of the improper flat families: 0 on the support, −∞ off it.</summary>
internal static class ImproperLogProb
{
    /// <summary>
    /// 0 where <paramref name="inSupport"/> holds and −∞ elsewhere, of the shape of <paramref name="value"/> broadcast
    /// against <paramref name="batchShape"/>. The zeros are value × 0, not a constant, so the result stays in the
    /// value's graph (a zero gradient rather than "not used in the graph" when it is the only term differentiated);
    /// the NaN that ±∞ × 0 gives is masked to −∞.
    /// </summary>
    public static Tensor Zero(Tensor value, long[] batchShape, Tensor inSupport)
    {
        var shape = TensorParams.BroadcastShapes(value.shape, batchShape);
        return value.Times(0.0).expand(shape).MaskedFill(inSupport.expand(shape).logical_not(), double.NegativeInfinity);
    }
}
