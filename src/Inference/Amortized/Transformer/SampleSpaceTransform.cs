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

    /// <summary>
    /// A different elementwise transform per dimension of the latent vector (for example the identity for a
    /// mean and the logarithm for a variance): column d of x goes through <paramref name="transforms"/>[d].
    /// When every dimension has the same transform, that transform itself is returned.
    /// </summary>
    /// <param name="transforms">One elementwise transform per dimension, in the order of the latent vector.</param>
    public static SampleSpaceTransform PerDimension(IReadOnlyList<SampleSpaceTransform> transforms)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        if (transforms.Count == 0) throw new ArgumentException("A per-dimension transform needs one transform per dimension, and at least one dimension.", nameof(transforms));
        for (var d = 0; d < transforms.Count; d++)
            if (transforms[d] is null) throw new ArgumentException($"The transform of dimension {d} is null.", nameof(transforms));
        return transforms.All(t => ReferenceEquals(t, transforms[0])) ? transforms[0] : new PerDimensionTransform([.. transforms]);
    }

    /// <summary>
    /// The transform of dimension <paramref name="dimension"/>: itself for a transform that treats every dimension
    /// alike, the component for a <see cref="PerDimension"/> transform.
    /// </summary>
    public virtual SampleSpaceTransform OfDimension(int dimension) => this;

    /// <summary>f for one number (the identity and the logarithm exactly; any other transform through a one-element tensor).</summary>
    public virtual double Forward(double x)
    {
        using var scope = NewDisposeScope();
        return Forward(tensor(new[] { x })).ToDoubleValue();
    }

    /// <summary>f⁻¹ for one number.</summary>
    public virtual double Inverse(double y)
    {
        using var scope = NewDisposeScope();
        return Inverse(tensor(new[] { y })).ToDoubleValue();
    }

    /// <summary>log |dx/dy| at one number y.</summary>
    public virtual double LogAbsDetInverseJacobian(double y)
    {
        using var scope = NewDisposeScope();
        return LogAbsDetInverseJacobian(tensor(new[] { y })).ToDoubleValue();
    }

    /// <summary>d/dy log |dx/dy| at one number y (what the Jacobian adds to a gradient in y).</summary>
    public virtual double LogAbsDetInverseJacobianDerivative(double y) =>
        (LogAbsDetInverseJacobian(y + 1e-6) - LogAbsDetInverseJacobian(y - 1e-6)) / 2e-6;

    /// <summary>dy/dx at one number x (the chain rule from y back to x).</summary>
    public virtual double ForwardDerivative(double x) => (Forward(x + 1e-6 * Math.Max(1, Math.Abs(x))) - Forward(x - 1e-6 * Math.Max(1, Math.Abs(x)))) / (2e-6 * Math.Max(1, Math.Abs(x)));

    private sealed class IdentityTransform : SampleSpaceTransform
    {
        public override Tensor Forward(Tensor x) => x;

        public override Tensor Inverse(Tensor y) => y;

        public override Tensor LogAbsDetInverseJacobian(Tensor y) => zeros(y.shape[..^1], y.dtype, y.device);

        public override double Forward(double x) => x;

        public override double Inverse(double y) => y;

        public override double LogAbsDetInverseJacobian(double y) => 0;

        public override double LogAbsDetInverseJacobianDerivative(double y) => 0;

        public override double ForwardDerivative(double x) => 1;
    }

    private sealed class LogTransform : SampleSpaceTransform
    {
        public override Tensor Forward(Tensor x) => x.log();

        public override Tensor Inverse(Tensor y) => y.exp();

        public override Tensor LogAbsDetInverseJacobian(Tensor y) => y.sum(-1);

        public override double Forward(double x) => Math.Log(x);

        public override double Inverse(double y) => Math.Exp(y);

        public override double LogAbsDetInverseJacobian(double y) => y;

        public override double LogAbsDetInverseJacobianDerivative(double y) => 1;

        public override double ForwardDerivative(double x) => 1 / x;
    }

    private sealed class PerDimensionTransform(SampleSpaceTransform[] transforms) : SampleSpaceTransform
    {
        public override SampleSpaceTransform OfDimension(int dimension) =>
            dimension >= 0 && dimension < transforms.Length
                ? transforms[dimension]
                : throw new ArgumentOutOfRangeException(nameof(dimension), dimension, $"This transform has {transforms.Length} dimensions.");

        public override Tensor Forward(Tensor x) => Columns(x, (t, c) => t.Forward(c));

        public override Tensor Inverse(Tensor y) => Columns(y, (t, c) => t.Inverse(c));

        public override Tensor LogAbsDetInverseJacobian(Tensor y)
        {
            Check(y);
            var total = transforms[0].LogAbsDetInverseJacobian(y.narrow(-1, 0, 1));
            for (var d = 1; d < transforms.Length; d++) total = total.Plus(transforms[d].LogAbsDetInverseJacobian(y.narrow(-1, d, 1)));
            return total;
        }

        // Scalar forms apply to one dimension only, which this transform cannot know: they are not defined here.
        public override double Forward(double x) => throw new InvalidOperationException("A per-dimension transform maps vectors; use OfDimension(d) for one number.");

        public override double Inverse(double y) => throw new InvalidOperationException("A per-dimension transform maps vectors; use OfDimension(d) for one number.");

        public override double LogAbsDetInverseJacobian(double y) => throw new InvalidOperationException("A per-dimension transform maps vectors; use OfDimension(d) for one number.");

        private Tensor Columns(Tensor x, Func<SampleSpaceTransform, Tensor, Tensor> f)
        {
            Check(x);
            return cat(transforms.Select((t, d) => f(t, x.narrow(-1, d, 1))).ToArray(), -1);
        }

        private void Check(Tensor x)
        {
            if (x.shape[^1] != transforms.Length)
                throw new ArgumentException($"This per-dimension transform has {transforms.Length} dimensions; the tensor's last dimension is {x.shape[^1]}.");
        }
    }
}
