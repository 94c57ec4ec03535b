using Ppl.Modeling;
using static Ppl.Dist;
using static Ppl.Modeling.Effects;
using static TorchSharp.torch;

namespace Ppl.Examples;

/// <summary>
/// The VAE of <see cref="VaeExample"/> as [Model] methods: the generative model and the amortised guide, each taking the
/// batch and the networks as arguments (the networks' weights are the trained parameters; the caller owns them).
/// </summary>
internal static partial class VaeModels
{
    // Tensor sites and a network call: no batched or differentiable form over doubles; VI runs the generated body.
#pragma warning disable PPL0011, PPL0012
    /// <summary>p(z) p(x | z): one choice "z" for the batch's latents, one observation "x" of all its pixels.</summary>
    [Model]
    public static Tensor Generative(Tensor x, VaeExample.Networks net)
    {
        var b = x.shape[0];
        // The prior's parameters follow the data's device and dtype.
        var z = Sample(Normal(zeros(b, VaeExample.Latent, x.dtype, x.device), ones(b, VaeExample.Latent, x.dtype, x.device)), "z");
        Observe(BernoulliLogits(net.Decode(z)), x, "x");
        return z;
    }

    /// <summary>The amortised guide q(z | x): the encoder's means and scales; its site is reparameterised.</summary>
    [Model]
    public static Tensor Encoder(Tensor x, VaeExample.Networks net)
    {
        var (mu, sigma) = net.Encode(x);
        return Sample(Normal(mu, sigma), "z");
    }
#pragma warning restore PPL0011, PPL0012
}
