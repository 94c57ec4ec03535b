using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of binomial distributions: successes in totalCount trials with success probability probs (or logits).</summary>
public sealed class Binomial : TensorDistribution
{
    private readonly bool _isLogits;

    /// <summary>Creates Binomial(<paramref name="totalCount"/>, p) from exactly one of <paramref name="probs"/> and <paramref name="logits"/>.</summary>
    public Binomial(Tensor totalCount, Tensor? probs = null, Tensor? logits = null)
        : this(TensorParams.Broadcast(totalCount, ProbsOrLogits.One(probs, logits)), logits is not null) { }

    private Binomial(Tensor[] p, bool isLogits) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        _isLogits = isLogits;
        TotalCount = p[0];
        if (isLogits) Logits = p[1];
        else Probs = p[1];
    }

    /// <summary>The numbers of trials n.</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probabilities, when constructed from them.</summary>
    public Tensor? Probs { get; }

    /// <summary>The log-odds of success, when constructed from them.</summary>
    public Tensor? Logits { get; }

    private Tensor P => _isLogits ? Logits!.sigmoid() : Probs!;

    /// <inheritdoc />
    public override string Family => "Binomial";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <summary>{0, …, n}; n varies over the batch, so the upper bound is not recorded here.</summary>
    public override Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.NonNegativeInteger("totalCount", TotalCount),
        () => _isLogits ? ProbsOrLogits.Logits("logits", Logits!) : TensorChecks.Probability("probs", Probs!));

    /// <inheritdoc />
    public override Tensor Mean => TotalCount * P;

    /// <inheritdoc />
    public override Tensor Variance => TotalCount * P * P.SubtractedFrom(1);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => _isLogits
        ? new Binomial(TotalCount.expand(batchShape), logits: Logits!.expand(batchShape))
        : new Binomial(TotalCount.expand(batchShape), probs: Probs!.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        return binomial(TotalCount.expand(shape).contiguous(), P.expand(shape).contiguous(), generator);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var n = TotalCount;
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0)).logical_and(value.le(n));
        var k = value.MaskedFill(inSupport.logical_not(), 0.0);
        var logChoose = n.Plus(1).lgamma() - k.Plus(1).lgamma() - (n - k).Plus(1).lgamma();
        // With logits, k·log p + (n − k)·log(1 − p) = k·logits − n·softplus(logits) avoids log(0).
        var lp = _isLogits
            ? k * Logits! - n * Logits!.Softplus()
            : xlogy(k, Probs!).Plus(xlogy(n - k, Probs!.SubtractedFrom(1)));
        return MaskSupport(logChoose.Plus(lp), inSupport);
    }
}
