using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Laplace (double exponential) distributions with location and scale, with log CDF and quantiles (<see cref="ITensorCdf"/>) for truncation.</summary>
public sealed class Laplace : TensorDistribution, ITensorCdf, ITensorCdfUnchecked
{
    /// <summary>Creates Laplace(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Laplace(Tensor loc, Tensor scale) : this(TensorParams.Broadcast(loc, scale)) { }

    private Laplace(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Loc = p[0];
        Scale = p[1];
    }

    /// <summary>The locations.</summary>
    public Tensor Loc { get; }

    /// <summary>The scales b (variance 2b²).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override string Family => "Laplace";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Finite("loc", Loc), () => TensorChecks.Positive("scale", Scale));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <inheritdoc />
    public override Tensor Variance => Scale.Squared().Times(2);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Laplace(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var u = RandOpen(ExtendedShape(sampleShape), generator).Times(2).Minus(1);
        return Loc - Scale * u.sign() * (-u.abs()).log1p();
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) => -Scale.Times(2).log() - (value - Loc).abs() / Scale;

    /// <inheritdoc />
    public Tensor LogCdf(Tensor x) => LogTail(CheckedArgument(x), upper: false);

    /// <inheritdoc />
    public Tensor LogCcdf(Tensor x) => LogTail(CheckedArgument(x), upper: true);

    /// <inheritdoc />
    public Tensor Icdf(Tensor p) => Quantile(CheckedArgument(p), upper: false);

    /// <inheritdoc />
    public Tensor Iccdf(Tensor q) => Quantile(CheckedArgument(q), upper: true);

    private Tensor LogTail(Tensor x, bool upper)
    {
        // z for the lower tail, −z for the upper one; an infinite x is scored at the location (its z would give NaN
        // gradients) and the exact end put in afterwards.
        var infinite = x.isinf();
        var z = (where(infinite, Loc, x) - Loc) / Scale;
        var t = upper ? z.neg() : z;
        // ½eᵗ below the centre, 1 − ½e⁻ᵗ above it, each branch clamped to its own half line.
        var below = t.ClampMax(0.0).Minus(Log2);
        var above = t.ClampMin(0.0).neg().exp().Times(-0.5).log1p();
        var lp = where(t.Lt(0.0), below, above);
        return lp.MaskedFill(x.Eq(double.PositiveInfinity), upper ? double.NegativeInfinity : 0.0)
                 .MaskedFill(x.Eq(double.NegativeInfinity), upper ? 0.0 : double.NegativeInfinity);
    }

    private Tensor Quantile(Tensor p, bool upper)
    {
        // The standard quantile log(2p) below ½ and −log(2(1 − p)) above, each at a clamped p; the upper-tail quantile
        // is the lower one reflected about the location (the family is symmetric), which keeps a small q's digits.
        var lowerHalf = p.ClampMax(0.5).Times(2.0).log();
        var upperHalf = p.ClampMin(0.5).neg().log1p().Plus(Log2).neg();
        var s = where(p.Lt(0.5), lowerHalf, upperHalf);
        return upper ? Loc - Scale * s : Loc.Plus(Scale * s);
    }

    private const double Log2 = 0.69314718055994530942;

    Tensor ITensorCdfUnchecked.LogCdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.LogCcdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: true);

    Tensor ITensorCdfUnchecked.IcdfUnchecked(Tensor p) => Quantile(p.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.IccdfUnchecked(Tensor q) => Quantile(q.to(DType, Device), upper: true);
}
