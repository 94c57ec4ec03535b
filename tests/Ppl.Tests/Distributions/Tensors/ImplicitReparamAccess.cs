using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Tensors;

/// <summary>Test access to the internal implicit-gradient helper.</summary>
internal static class ImplicitReparamAccess
{
    public static Tensor AttachGamma(Tensor z, Tensor alpha) => ImplicitReparam.AttachGamma(z, alpha);
}
