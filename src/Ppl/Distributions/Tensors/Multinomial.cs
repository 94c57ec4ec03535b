using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of multinomial distributions: counts (event shape [K]) of totalCount draws from a categorical with probs.</summary>
public sealed class Multinomial : TensorDistribution
{
    /// <summary>Creates Multinomial(<paramref name="totalCount"/>, <paramref name="probs"/>) with probs of shape batch + [K] on the simplex.</summary>
    public Multinomial(int totalCount, Tensor probs)
        : base(probs.shape[..^1], probs.shape[^1..], probs.device, TensorParams.FloatType(probs))
    {
        TotalCount = totalCount;
        Probs = TensorParams.ToFloat(probs, DType, Device);
    }

    /// <summary>The number of draws n.</summary>
    public int TotalCount { get; }

    /// <summary>The category probabilities, shape batch + [K].</summary>
    public Tensor Probs { get; }

    /// <summary>The number of categories K.</summary>
    public long K => EventShape[0];

    /// <inheritdoc />
    public override string Family => "Multinomial";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <inheritdoc />
    public override Support Support => new(SupportKind.IntegerVector, 0, TotalCount, (int)K);

    /// <inheritdoc />
    public override string? ParameterError =>
        TotalCount < 0 ? $"totalCount must be non-negative, got {TotalCount}" : TensorChecks.Simplex("probs", Probs);

    /// <inheritdoc />
    public override Tensor Mean => Probs.Times(TotalCount);

    /// <inheritdoc />
    public override Tensor Variance => Probs.Times(TotalCount) * Probs.SubtractedFrom(1);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Multinomial(TotalCount, Probs.expand([.. batchShape, K]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        var s = sampleShape.Aggregate(1L, (a, b) => a * b);
        var flat = Probs.reshape(-1, K);
        var b = flat.shape[0];
        var counts = zeros([b, s, K], DType, Device);
        if (TotalCount > 0)
        {
            var draws = multinomial(flat, s * TotalCount, true, generator).reshape(b, s, TotalCount);
            counts.scatter_add_(2, draws, ones([b, s, TotalCount], DType, Device));
        }
        // [B, S, K] → S + B + [K]
        return counts.transpose(0, 1).reshape(ExtendedShape(sampleShape));
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.Ge(0)).all(-1).logical_and(value.sum(-1).Eq(TotalCount));
        var x = where(inSupport.unsqueeze(-1), value, zeros_like(value));
        var lp = x.Plus(1).lgamma().sum(-1).SubtractedFrom(MathNet.Numerics.SpecialFunctions.GammaLn(TotalCount + 1.0)).Plus(xlogy(x, Probs).sum(-1));
        return MaskSupport(lp, inSupport);
    }
}
