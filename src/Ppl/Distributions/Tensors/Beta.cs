using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of beta distributions on [0, 1]. Draws are X/(X + Y) for gammas X, Y; reparameterised draws
/// carry the implicit gradient of the beta CDF with respect to both parameters.
/// </summary>
public sealed class Beta : TensorDistribution
{
    /// <summary>Creates Beta(<paramref name="alpha"/>, <paramref name="beta"/>).</summary>
    public Beta(Tensor alpha, Tensor beta) : this(TensorParams.Broadcast(alpha, beta)) { }

    private Beta(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Alpha = p[0];
        BetaParam = p[1];
    }

    /// <summary>The first shape parameters α.</summary>
    public Tensor Alpha { get; }

    /// <summary>The second shape parameters β.</summary>
    public Tensor BetaParam { get; }

    /// <inheritdoc />
    public override string Family => "Beta";

    /// <inheritdoc />
    public override Support Support => Support.UnitInterval;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Positive("alpha", Alpha), () => TensorChecks.Positive("beta", BetaParam));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Alpha / Alpha.Plus(BetaParam);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var s = Alpha.Plus(BetaParam);
            return Alpha * BetaParam / (s.Squared() * s.Plus(1));
        }
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector =>
        new SigmoidTensorBijector(zeros([], DType, Device), ones([], DType, Device));

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Beta(Alpha.expand(batchShape), BetaParam.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => Draw(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        Tensor x;
        using (no_grad()) x = Draw(sampleShape, generator);
        if (!Alpha.requires_grad && !BetaParam.requires_grad) return x;
        return ImplicitReparam.AttachBeta(x, Alpha.expand(shape), BetaParam.expand(shape));
    }

    private Tensor Draw(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        var x = _standard_gamma(Alpha.detach().expand(shape).contiguous(), generator);
        var y = _standard_gamma(BetaParam.detach().expand(shape).contiguous(), generator);
        var eps = DType == ScalarType.Float64 ? 1e-300 : 1e-38;
        // Both gammas can underflow to 0 for tiny parameters; keep the draw strictly inside (0, 1).
        var r = x / x.Plus(y).ClampMin(eps);
        var top = DType == ScalarType.Float64 ? 1 - 1e-16 : 1 - 6e-8;
        return r.nan_to_num(0.5).Clamp(eps, top);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = value.Ge(0).logical_and(value.Le(1));
        var x = value.MaskedFill(inSupport.logical_not(), 0.5);
        var lbeta = Alpha.lgamma().Plus(BetaParam.lgamma()) - Alpha.Plus(BetaParam).lgamma();
        return MaskSupport(xlogy(Alpha.Minus(1), x).Plus(xlogy(BetaParam.Minus(1), x.SubtractedFrom(1))) - lbeta, inSupport);
    }
}
