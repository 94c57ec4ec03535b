using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Mixtures;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// A batch of priors as the Distribution Transformer reads them: either Gaussian mixtures in the sample
/// space (one token per component) or the parameters of another family (a distribution embedding
/// turns them into latent component tokens).
/// </summary>
public abstract record DtPrior
{
    private DtPrior() { }

    /// <summary>The batch size.</summary>
    public abstract long BatchSize { get; }

    /// <summary>The same priors on <paramref name="device"/>, each tensor in its own dtype (this when they are there already).</summary>
    public abstract DtPrior To(Device device);

    private static Tensor Moved(Tensor t, Device device) => DistributionTransformer.DeviceEquals(t.device, device) ? t : t.to(device);

    /// <summary>Mixture priors (in the transformed sample space).</summary>
    public static DtPrior FromMixture(GmmTensors mixture) => new Mixture(mixture ?? throw new ArgumentNullException(nameof(mixture)));

    /// <summary>Mixture priors from a <see cref="Gmm"/> with batch shape [B].</summary>
    public static DtPrior FromMixture(Gmm gmm) => FromMixture(GmmTensors.From(gmm));

    /// <summary>Parametric priors: the parameters of each prior, [B, P].</summary>
    public static DtPrior FromParameters(Tensor parameters) => new Parametric(parameters ?? throw new ArgumentNullException(nameof(parameters)));

    /// <summary>A batch of Gaussian-mixture priors.</summary>
    /// <param name="Value">The mixtures, batch [B].</param>
    public sealed record Mixture(GmmTensors Value) : DtPrior
    {
        /// <inheritdoc />
        public override long BatchSize => Value.Means.shape[0];

        /// <inheritdoc />
        public override DtPrior To(Device device)
        {
            ArgumentNullException.ThrowIfNull(device);
            return DistributionTransformer.DeviceEquals(Value.Means.device, device) && DistributionTransformer.DeviceEquals(Value.LogWeights.device, device)
                && DistributionTransformer.DeviceEquals(Value.ScaleTrils.device, device)
                ? this
                : new Mixture(new GmmTensors(Moved(Value.LogWeights, device), Moved(Value.Means, device), Moved(Value.ScaleTrils, device)));
        }
    }

    /// <summary>A batch of priors of a parametric family.</summary>
    /// <param name="Parameters">[B, P].</param>
    public sealed record Parametric(Tensor Parameters) : DtPrior
    {
        /// <inheritdoc />
        public override long BatchSize => Parameters.shape[0];

        /// <inheritdoc />
        public override DtPrior To(Device device)
        {
            ArgumentNullException.ThrowIfNull(device);
            return DistributionTransformer.DeviceEquals(Parameters.device, device) ? this : new Parametric(Parameters.to(device));
        }
    }
}
