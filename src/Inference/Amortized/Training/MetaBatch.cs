using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>One batch of simulations (φ, x, z) from a meta-model.</summary>
/// <param name="Prior">The priors p(x | φ) (mixtures over f(x), or family parameters).</param>
/// <param name="Latent">The latent draws x in the original space, [B, D].</param>
/// <param name="Observations">The observations, one tensor [B, N, Dₛ] per source.</param>
public sealed record MetaBatch(DtPrior Prior, Tensor Latent, IReadOnlyList<Tensor> Observations)
{
    /// <summary>The batch on <paramref name="device"/>, each tensor in its own dtype (this when it is there already).</summary>
    public MetaBatch To(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Tensor Moved(Tensor t) => DistributionTransformer.DeviceEquals(t.device, device) ? t : t.to(device);
        var prior = Prior.To(device);
        var latent = Moved(Latent);
        var observations = Observations.Select(Moved).ToArray();
        return ReferenceEquals(prior, Prior) && ReferenceEquals(latent, Latent) && observations.Select((o, i) => ReferenceEquals(o, Observations[i])).All(b => b)
            ? this
            : new MetaBatch(prior, latent, observations);
    }
}
