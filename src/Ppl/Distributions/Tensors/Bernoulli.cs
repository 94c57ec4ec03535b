using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Bernoulli distributions over {0, 1} (values are floating tensors), given probs or logits.</summary>
public sealed class Bernoulli : TensorDistribution
{
    private readonly bool _isLogits;

    /// <summary>Creates Bernoulli from exactly one of <paramref name="probs"/> (P(1)) and <paramref name="logits"/> (log-odds of 1).</summary>
    public Bernoulli(Tensor? probs = null, Tensor? logits = null) : this(ProbsOrLogits.One(probs, logits), logits is not null) { }

    private Bernoulli(Tensor p, bool isLogits) : base(p.shape, [], p.device, TensorParams.FloatType(p))
    {
        _isLogits = isLogits;
        var t = TensorParams.ToFloat(p, DType, Device);
        if (isLogits) Logits = t;
        else Probs = t;
    }

    /// <summary>P(1), when constructed from probabilities; otherwise null.</summary>
    public Tensor? Probs { get; }

    /// <summary>The log-odds, when constructed from logits; otherwise null.</summary>
    public Tensor? Logits { get; }

    private Tensor P => _isLogits ? Logits!.sigmoid() : Probs!;

    /// <inheritdoc />
    public override string Family => "Bernoulli";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => Support.IntegerRange(0, 1);

    /// <inheritdoc />
    public override string? ParameterError => _isLogits ? ProbsOrLogits.Logits("logits", Logits!) : TensorChecks.Probability("probs", Probs!);

    /// <inheritdoc />
    public override Tensor Mean => P;

    /// <inheritdoc />
    public override Tensor Variance => P * P.SubtractedFrom(1);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        _isLogits ? new Bernoulli(logits: Logits!.expand(batchShape)) : new Bernoulli(probs: Probs!.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) =>
        rand(ExtendedShape(sampleShape), DType, Device, generator: generator).lt(P).to_type(DType);

    /// <inheritdoc />
    protected override Tensor LogProbSumCore(Tensor value, bool checkParameters)
    {
        // The usual amortised case, a VAE's [batch, pixels] observation scored as one site: for values 0 or 1,
        // Σ x·l − softplus(l) is −BCE-with-logits(l, x) summed, one fused ATen operation (forward and backward)
        // instead of elementwise terms and their sum; it is what a hand-written loss calls. For such values each
        // fused term is finite exactly when its logit is finite (a NaN logit gives NaN, ±∞ gives NaN or +∞ in
        // the loss), so a finite sum has also checked the logits, and the parameter check's own pass over them
        // is skipped. Otherwise the check runs (naming a NaN or +∞ logit), and valid logits with −∞ among them
        // (where the fused form gives ∞ − ∞) are scored elementwise.
        if (_isLogits && !value.requires_grad && value.shape.SequenceEqual(Logits!.shape) && BinaryValues.All(value))
        {
            var sum = nn.functional.binary_cross_entropy_with_logits(Logits!, value, reduction: nn.Reduction.Sum).neg();
            if (double.IsFinite(TensorChecks.Item(sum.detach()))) return sum;
        }
        return base.LogProbSumCore(value, checkParameters);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        // Fast path for the usual case: every value is 0 or 1,
        // checked as fl(x²) = x (true exactly at 0 and 1) with one reduction, and then no masking. With
        // logits, x·l − softplus(l) = log σ((2x − 1)·l) for x ∈ {0, 1}, exact at l = −∞ too; the check's
        // temporary is reused for 2x − 1. Large temporaries dominate the cost of a large observation on the
        // CPU, so this keeps their number at what a hand-written loss needs.
        var x = value.detach();
        var work = x.Squared();
        if (work.sub_(x).count_nonzero().item<long>() == 0)
        {
            if (!_isLogits) return xlogy(value, Probs!).Plus(xlogy(value.SubtractedFrom(1), Probs!.SubtractedFrom(1)));
            var sign = value.requires_grad ? value.Times(2).Minus(1) : work.copy_(x).MulInPlace(2).MinusInPlace(1);
            return nn.functional.logsigmoid(sign * Logits!);
        }
        var inSupport = value.Eq(0).logical_or(value.Eq(1));
        var v = value.MaskedFill(inSupport.logical_not(), 0.0);
        var lp = _isLogits
            ? v * Logits! - Logits!.Softplus()
            : xlogy(v, Probs!).Plus(xlogy(v.SubtractedFrom(1), Probs!.SubtractedFrom(1)));
        return MaskSupport(lp, inSupport);
    }
}
