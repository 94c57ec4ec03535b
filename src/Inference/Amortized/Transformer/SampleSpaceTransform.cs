using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Transformer;

/// <summary>
/// The bijection f from the latent variable x to the space y = f(x) where the mixture posterior lives
/// (for example y = log σ² for a variance). Densities on x follow by change of variables:
/// log p(x) = log q(f(x)) − log |dx/dy|.
/// </summary>
public abstract class SampleSpaceTransform
{
    /// <summary>y = f(x), elementwise, [..., D].</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>x = f⁻¹(y), [..., D].</summary>
    public abstract Tensor Inverse(Tensor y);

    /// <summary>log |det dx/dy| at y, summed over the last dimension: [..., D] → [...].</summary>
    public abstract Tensor LogAbsDetInverseJacobian(Tensor y);

    /// <summary>The identity (unconstrained latent variables).</summary>
    public static SampleSpaceTransform Identity { get; } = new IdentityTransform();

    /// <summary>y = log x (positive latent variables such as variances).</summary>
    public static SampleSpaceTransform Log { get; } = new LogTransform();

    private sealed class IdentityTransform : SampleSpaceTransform
    {
        public override Tensor Forward(Tensor x) => x;

        public override Tensor Inverse(Tensor y) => y;

        public override Tensor LogAbsDetInverseJacobian(Tensor y) => zeros(y.shape[..^1], y.dtype, y.device);
    }

    private sealed class LogTransform : SampleSpaceTransform
    {
        public override Tensor Forward(Tensor x) => x.log();

        public override Tensor Inverse(Tensor y) => y.exp();

        public override Tensor LogAbsDetInverseJacobian(Tensor y) => y.sum(-1);
    }
}
