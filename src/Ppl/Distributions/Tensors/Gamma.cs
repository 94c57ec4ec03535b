using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of gamma distributions with shape α and rate β (mean α/β). Reparameterised draws use implicit
/// gradients for α and the chain rule for β (Gamma(α, β) = Gamma(α, 1)/β).
/// </summary>
public sealed class Gamma : TensorDistribution
{
    /// <summary>Creates Gamma(<paramref name="alpha"/>, <paramref name="rate"/>).</summary>
    public Gamma(Tensor alpha, Tensor rate) : this(TensorParams.Broadcast(alpha, rate)) { }

    private Gamma(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Alpha = p[0];
        Rate = p[1];
    }

    /// <summary>The shapes α.</summary>
    public Tensor Alpha { get; }

    /// <summary>The rates β.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override string Family => "Gamma";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Positive("alpha", Alpha), () => TensorChecks.Positive("rate", Rate));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Alpha / Rate;

    /// <inheritdoc />
    public override Tensor Variance => Alpha / Rate.Squared();

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Gamma(Alpha.expand(batchShape), Rate.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        ImplicitReparam.StandardGamma(Alpha.expand(ExtendedShape(sampleShape)), generator) / Rate;

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = value.Gt(0);
        var x = value.MaskedFill(inSupport.logical_not(), 1.0);
        return MaskSupport((Alpha * Rate.log()).Plus(Alpha.Minus(1) * x.log()) - Rate * x - Alpha.lgamma(), inSupport);
    }
}
