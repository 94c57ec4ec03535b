using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of negative binomial distributions in PyTorch's convention: the number of successes, each of
/// probability probs, before totalCount failures; P(k) = Γ(k + r)/(Γ(r) k!) · p^k (1 − p)^r, mean r p/(1 − p).
/// (MathNet's NegativeBinomial(r, q) is this with q = 1 − p.)
/// </summary>
public sealed class NegativeBinomial : TensorDistribution
{
    private readonly bool _isLogits;

    /// <summary>Creates NegativeBinomial(<paramref name="totalCount"/>, p) from exactly one of <paramref name="probs"/> and <paramref name="logits"/>.</summary>
    public NegativeBinomial(Tensor totalCount, Tensor? probs = null, Tensor? logits = null)
        : this(TensorParams.Broadcast(totalCount, ProbsOrLogits.One(probs, logits)), logits is not null) { }

    private NegativeBinomial(Tensor[] p, bool isLogits) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        _isLogits = isLogits;
        TotalCount = p[0];
        if (isLogits) Logits = p[1];
        else Probs = p[1];
    }

    /// <summary>The number of failures r (any positive real).</summary>
    public Tensor TotalCount { get; }

    /// <summary>The success probabilities, when constructed from them.</summary>
    public Tensor? Probs { get; }

    /// <summary>The log-odds of success, when constructed from them.</summary>
    public Tensor? Logits { get; }

    private Tensor P => _isLogits ? Logits!.sigmoid() : Probs!;

    /// <inheritdoc />
    public override string Family => "NegativeBinomial";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => Support.NonNegativeIntegers;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Positive("totalCount", TotalCount),
        () => _isLogits ? ProbsOrLogits.Logits("logits", Logits!)
            : TensorChecks.First(() => TensorChecks.Probability("probs", Probs!),
                () => Probs!.Eq(1).any().item<bool>() ? "probs must be less than 1, got 1" : null));

    /// <inheritdoc />
    public override Tensor Mean => TotalCount * P / P.SubtractedFrom(1);

    /// <inheritdoc />
    public override Tensor Variance => TotalCount * P / P.SubtractedFrom(1).Squared();

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => _isLogits
        ? new NegativeBinomial(TotalCount.expand(batchShape), logits: Logits!.expand(batchShape))
        : new NegativeBinomial(TotalCount.expand(batchShape), probs: Probs!.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        // Gamma–Poisson mixture: λ ~ Gamma(r, rate (1 − p)/p).
        var shape = ExtendedShape(sampleShape);
        var g = _standard_gamma(TotalCount.expand(shape).contiguous(), generator);
        var p = P;
        return poisson((g * p / p.SubtractedFrom(1)).contiguous(), generator);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var r = TotalCount;
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0));
        var k = value.MaskedFill(inSupport.logical_not(), 0.0);
        var logCoef = k.Plus(r).lgamma() - k.Plus(1).lgamma() - r.lgamma();
        var lp = _isLogits
            ? k * Logits! - k.Plus(r) * Logits!.Softplus()
            : xlogy(k, Probs!).Plus(r * (-Probs!).log1p());
        return MaskSupport(logCoef.Plus(lp), inSupport);
    }
}
