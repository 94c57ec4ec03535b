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
    public override string? ParameterError => _isLogits ? CheckLogits() : TensorChecks.Probability("probs", Probs!);

    // Set by every parameter check (each sample and score runs one): true when the logits are all finite.
    private bool _finiteLogits;

    private string? CheckLogits()
    {
        var error = ProbsOrLogits.Logits("logits", Logits!, out var finite);
        _finiteLogits = finite;
        return error;
    }

    /// <inheritdoc />
    public override Tensor Mean => P;

    /// <inheritdoc />
    public override Tensor Variance => P * (1 - P);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        _isLogits ? new Bernoulli(logits: Logits!.expand(batchShape)) : new Bernoulli(probs: Probs!.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator generator) =>
        rand(ExtendedShape(sampleShape), DType, Device, generator: generator).lt(P).to_type(DType);

    /// <inheritdoc />
    protected override Tensor LogProbSumCore(Tensor value)
    {
        // The usual amortised case, a VAE's [batch, pixels] observation scored as one site: with finite logits
        // and every value 0 or 1, Σ x·l − softplus(l) is exactly −BCE-with-logits(l, x) summed, one fused ATen
        // operation (forward and backward) instead of elementwise terms and their sum; it is what a
        // hand-written loss calls. (At l = −∞ the fused form gives ∞ − ∞, hence the finiteness condition,
        // which the parameter check has just established.)
        if (_isLogits && _finiteLogits && !value.requires_grad && value.shape.SequenceEqual(Logits!.shape) && IsBinary(value))
            return nn.functional.binary_cross_entropy_with_logits(Logits!, value, reduction: nn.Reduction.Sum).neg();
        return LogProbCore(value).sum();
    }

    /// <summary>Every value is 0 or 1: fl(x·x) − x is zero exactly there (and NaN or nonzero elsewhere), one temporary and one reduction.</summary>
    private static bool IsBinary(Tensor value)
    {
        using var ng = no_grad();
        using var x = value.detach();
        using var work = x.square();
        return !work.sub_(x).any().item<bool>();
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
        var work = x.square();
        if (work.sub_(x).count_nonzero().item<long>() == 0)
        {
            if (!_isLogits) return xlogy(value, Probs!) + xlogy(1 - value, 1 - Probs!);
            var sign = value.requires_grad ? 2 * value - 1 : work.copy_(x).mul_(2).sub_(1);
            return nn.functional.logsigmoid(sign * Logits!);
        }
        var inSupport = value.eq(0).logical_or(value.eq(1));
        var v = value.masked_fill(inSupport.logical_not(), 0.0);
        var lp = _isLogits
            ? v * Logits! - nn.functional.softplus(Logits!)
            : xlogy(v, Probs!) + xlogy(1 - v, 1 - Probs!);
        return MaskSupport(lp, inSupport);
    }
}
