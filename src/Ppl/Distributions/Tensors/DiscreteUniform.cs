using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of uniform distributions on the integers lower, lower + 1, …, upper (values are floating tensors holding
/// the integer, like the other discrete tensor families). With an empty batch shape the support can be enumerated,
/// so exact enumeration can branch on it.
/// </summary>
public sealed class DiscreteUniform : TensorDistribution, IFiniteDistribution<Tensor>
{
    /// <summary>Creates DiscreteUniform(<paramref name="lower"/>, <paramref name="upper"/>) with integer bounds, upper ≥ lower; they broadcast to the batch shape.</summary>
    public DiscreteUniform(Tensor lower, Tensor upper) : this(TensorParams.Broadcast(lower, upper)) { }

    private DiscreteUniform(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Lower = p[0];
        Upper = p[1];
    }

    /// <summary>The smallest values.</summary>
    public Tensor Lower { get; }

    /// <summary>The largest values.</summary>
    public Tensor Upper { get; }

    /// <inheritdoc />
    public override string Family => "DiscreteUniform";

    /// <inheritdoc />
    public override bool IsDiscrete => true;

    /// <summary>An integer range; the bounds vary over the batch, so they are not recorded here.</summary>
    public override Support Support => new(SupportKind.Integers);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Integer("lower", Lower), () => TensorChecks.Integer("upper", Upper),
        () => TensorChecks.NonNegativeInteger("upper - lower", Upper - Lower));

    // The number of values, upper − lower + 1.
    private Tensor Count => (Upper - Lower).Plus(1.0);

    /// <summary>(lower + upper)/2.</summary>
    public override Tensor Mean => Lower.Plus(Upper).Times(0.5);

    /// <summary>(n² − 1)/12 with n = upper − lower + 1.</summary>
    public override Tensor Variance => Count.Squared().Minus(1.0).Over(12.0);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new DiscreteUniform(Lower.expand(batchShape), Upper.expand(batchShape));

    /// <summary>Draws; with an empty batch shape this goes through <see cref="Rng.DrawFinite{T}"/> so enumeration can branch.</summary>
    public override Tensor Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return BatchShape.Length == 0 ? rng.DrawFinite(this) : base.Sample(rng);
    }

    /// <inheritdoc />
    public int SupportSize
    {
        get
        {
            if (BatchShape.Length != 0) throw new NotSupportedException("Enumeration needs an empty batch shape.");
            Check();
            return checked((int)(TensorChecks.Item(Upper) - TensorChecks.Item(Lower) + 1));
        }
    }

    /// <inheritdoc />
    public Tensor SupportValue(int index) =>
        index >= 0 && index < SupportSize ? tensor(TensorChecks.Item(Lower) + index, DType, Device) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <inheritdoc />
    public Tensor SampleDirect(Rng rng) => base.Sample(rng);

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        // lower + ⌊n·u⌋ for u uniform on [0, 1); the clamp guards the rounding of n·u up to n in low precision.
        var u = rand(ExtendedShape(sampleShape), DType, Device, generator: generator);
        return minimum(Lower.Plus((Count * u).floor()), Upper);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var inSupport = ProbsOrLogits.IsInteger(value).logical_and(value.ge(Lower)).logical_and(value.le(Upper));
        return MaskSupport((-Count.log()).Plus(zeros_like(value)), inSupport);
    }
}
