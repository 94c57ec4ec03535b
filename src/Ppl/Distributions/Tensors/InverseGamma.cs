using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of inverse-gamma distributions: 1/X for X ~ Gamma(α, β), i.e. shape α and scale β.</summary>
public sealed class InverseGamma : TensorDistribution
{
    /// <summary>Creates InverseGamma(<paramref name="alpha"/>, <paramref name="beta"/>).</summary>
    public InverseGamma(Tensor alpha, Tensor beta) : this(TensorParams.Broadcast(alpha, beta)) { }

    private InverseGamma(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Alpha = p[0];
        Beta = p[1];
    }

    /// <summary>The shapes α.</summary>
    public Tensor Alpha { get; }

    /// <summary>The scales β.</summary>
    public Tensor Beta { get; }

    /// <inheritdoc />
    public override string Family => "InverseGamma";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Positive("alpha", Alpha), () => TensorChecks.Positive("beta", Beta));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>β/(α − 1) for α &gt; 1, +∞ otherwise.</summary>
    public override Tensor Mean => where(Alpha.Gt(1), Beta / Alpha.Minus(1), Alpha.FullLike(double.PositiveInfinity));

    /// <summary>β²/((α − 1)²(α − 2)) for α &gt; 2, +∞ otherwise.</summary>
    public override Tensor Variance =>
        where(Alpha.Gt(2), Beta.Squared() / (Alpha.Minus(1).Squared() * Alpha.Minus(2)), Alpha.FullLike(double.PositiveInfinity));

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new InverseGamma(Alpha.expand(batchShape), Beta.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Beta / ImplicitReparam.StandardGamma(Alpha.expand(ExtendedShape(sampleShape)), generator);

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = value.Gt(0);
        var x = value.MaskedFill(inSupport.logical_not(), 1.0);
        return MaskSupport(Alpha * Beta.log() - Alpha.lgamma() - Alpha.Plus(1) * x.log() - Beta / x, inSupport);
    }
}
