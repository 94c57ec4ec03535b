using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>The Bradley–Terry preference loss: −log σ(r_w − r_l), averaged (papers.md 4.1).</summary>
public static class BradleyTerryLoss
{
    /// <summary>Mean of −log σ(r_w − r_l) = softplus(r_l − r_w), computed without overflow.</summary>
    public static Tensor Compute(Tensor preferredRewards, Tensor rejectedRewards) =>
        (rejectedRewards - preferredRewards).Softplus().mean();
}
