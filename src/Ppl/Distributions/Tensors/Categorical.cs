using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of categorical distributions over {0, …, K − 1} (values are floating tensors holding the
/// index), from probabilities or logits of shape batch + [K]. With an empty batch shape the support can be
/// enumerated, so exact enumeration can branch on it.
/// </summary>
public sealed class Categorical : TensorDistribution, IFiniteDistribution<Tensor>
{
    private readonly bool _isLogits;
    private readonly Tensor _param;

    /// <summary>Creates the categorical from exactly one of <paramref name="probs"/> (on the simplex) and <paramref name="logits"/> (unnormalised).</summary>
    public Categorical(Tensor? probs = null, Tensor? logits = null) : this(ProbsOrLogits.One(probs, logits), logits is not null) { }

    private Categorical(Tensor p, bool isLogits) : base(p.shape[..^1], [], p.device, TensorParams.FloatType(p))
    {
        if (p.dim() < 1) throw new ArgumentException("probs/logits need a last dimension of categories.");
        _isLogits = isLogits;
        _param = TensorParams.ToFloat(p, DType, Device);
        K = p.shape[^1];
    }

    /// <summary>The number of categories K.</summary>
    public long K { get; }

    /// <summary>The normalised log-probabilities, shape batch + [K].</summary>
    public Tensor LogProbs => _isLogits ? _param.log_softmax(-1) : _param.log();

    /// <summary>The probabilities, shape batch + [K].</summary>
    public Tensor Probs => _isLogits ? _param.softmax(-1) : _param;

    /// <inheritdoc />
    public override string Family => "Categorical";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => Support.IntegerRange(0, (int)K - 1);

    /// <inheritdoc />
    public override string? ParameterError => _isLogits ? ProbsOrLogits.Logits("logits", _param) : TensorChecks.Simplex("probs", _param);

    /// <summary>The mean index Σ k pₖ.</summary>
    public override Tensor Mean => (Probs * TensorArithmetic.Arange(K, DType, Device)).sum(-1);

    /// <summary>The variance of the index.</summary>
    public override Tensor Variance
    {
        get
        {
            var k = TensorArithmetic.Arange(K, DType, Device);
            var m = (Probs * k).sum(-1);
            return (Probs * k.Squared()).sum(-1) - m.Squared();
        }
    }

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        _isLogits ? new Categorical(logits: _param.expand([.. batchShape, K])) : new Categorical(probs: _param.expand([.. batchShape, K]));

    /// <summary>Draws; with an empty batch shape this goes through <see cref="Rng.DrawFinite{T}"/> so enumeration can branch.</summary>
    public override Tensor Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return BatchShape.Length == 0 ? rng.DrawFinite(this) : base.Sample(rng);
    }

    /// <inheritdoc />
    public int SupportSize => BatchShape.Length == 0 ? (int)K : throw new NotSupportedException("Enumeration needs an empty batch shape.");

    /// <inheritdoc />
    public Tensor SupportValue(int index) => tensor((double)index, DType, Device);

    /// <inheritdoc />
    public Tensor SampleDirect(Rng rng) => base.Sample(rng);

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        var n = sampleShape.Aggregate(1L, (a, b) => a * b);
        var flat = Probs.reshape(-1, K);
        var draws = multinomial(flat, n, true, generator); // [B, n]
        return draws.t().reshape(ExtendedShape(sampleShape)).to_type(DType);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0)).logical_and(value.Lt(K));
        var idx = value.MaskedFill(inSupport.logical_not(), 0.0).to_type(ScalarType.Int64);
        var lps = LogProbs;
        var shape = TensorParams.BroadcastShapes(idx.shape, BatchShape);
        var lpsB = lps.expand([.. shape, K]);
        var lp = lpsB.gather(-1, idx.expand(shape).unsqueeze(-1)).squeeze(-1);
        return MaskSupport(lp, inSupport.expand(shape));
    }
}
