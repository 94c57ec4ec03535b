using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of geometric distributions: the number of failures before the first success, P(k) = (1 − p)^k p,
/// k ≥ 0. (MathNet's Geometric counts trials, k + 1.)
/// </summary>
public sealed class Geometric : TensorDistribution
{
    /// <summary>Creates Geometric(<paramref name="probs"/>) with success probabilities in (0, 1].</summary>
    public Geometric(Tensor probs) : base(probs.shape, [], probs.device, TensorParams.FloatType(probs)) =>
        Probs = TensorParams.ToFloat(probs, DType, Device);

    /// <summary>The success probabilities p.</summary>
    public Tensor Probs { get; }

    /// <inheritdoc />
    public override string Family => "Geometric";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Probability("probs", Probs),
        () => Probs.Eq(0).any().item<bool>() ? "probs must be positive, got 0" : null);

    /// <inheritdoc />
    public override Tensor Mean => Probs.SubtractedFrom(1) / Probs;

    /// <inheritdoc />
    public override Tensor Variance => Probs.SubtractedFrom(1) / Probs.Squared();

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Geometric(Probs.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        var u = RandOpen(ExtendedShape(sampleShape), generator);
        return (u.log() / (-Probs).log1p()).floor().nan_to_num(0.0);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0));
        var k = value.MaskedFill(inSupport.logical_not(), 0.0);
        return MaskSupport(xlogy(k, Probs.SubtractedFrom(1)).Plus(Probs.log()), inSupport);
    }
}
