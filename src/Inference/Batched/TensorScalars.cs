using static TorchSharp.torch;

namespace Ppl.Inference.Batched;

/// <summary>Reads a one-element tensor of any floating dtype (on any device) as a double.</summary>
internal static class TensorScalars
{
    public static double ToDouble(this Tensor t) => t.to_type(ScalarType.Float64).item<double>();
}
