using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of Cauchy distributions with location and scale, with log CDF and quantiles (<see cref="ITensorCdf"/>) for truncation.</summary>
public sealed class Cauchy : TensorDistribution, ITensorCdf, ITensorCdfUnchecked
{
    /// <summary>Creates Cauchy(<paramref name="loc"/>, <paramref name="scale"/>).</summary>
    public Cauchy(Tensor loc, Tensor scale) : this(TensorParams.Broadcast(loc, scale)) { }

    private Cauchy(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Loc = p[0];
        Scale = p[1];
    }

    /// <summary>The locations (medians).</summary>
    public Tensor Loc { get; }

    /// <summary>The scales (half-widths at half-maximum).</summary>
    public Tensor Scale { get; }

    /// <inheritdoc />
    public override string Family => "Cauchy";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Finite("loc", Loc), () => TensorChecks.Positive("scale", Scale));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>NaN: the Cauchy distribution has no mean.</summary>
    public override Tensor Mean => Loc.FullLike(double.NaN);

    /// <summary>+∞.</summary>
    public override Tensor Variance => Loc.FullLike(double.PositiveInfinity);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Cauchy(Loc.expand(batchShape), Scale.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Loc.Plus(Scale * RandOpen(ExtendedShape(sampleShape), generator).Minus(0.5).Times(Math.PI).tan());

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Loc) / Scale;
        return Scale.log().SubtractedFrom(-Math.Log(Math.PI)) - (z * z).log1p();
    }

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
        // F(z) = atan2(1, −z)/π and S(z) = atan2(1, z)/π: the same as ½ + atan(z)/π, without its cancellation in the
        // lower tail. An infinite x is scored at the location (its z would give NaN gradients), the exact end put in after.
        var infinite = x.isinf();
        var z = (where(infinite, Loc, x) - Loc) / Scale;
        var lp = atan2(z.FullLike(1.0), upper ? z : z.neg()).log().Minus(Math.Log(Math.PI));
        return lp.MaskedFill(x.Eq(double.PositiveInfinity), upper ? double.NegativeInfinity : 0.0)
                 .MaskedFill(x.Eq(double.NegativeInfinity), upper ? 0.0 : double.NegativeInfinity);
    }

    private Tensor Quantile(Tensor p, bool upper)
    {
        // tan(π(p − ½)) = −1/tan(πp): the reciprocal form keeps a small p's digits (and gives 0 at p = ½ to rounding);
        // the upper-tail quantile is its reflection about the location.
        var s = p.Times(Math.PI).tan().reciprocal();
        return upper ? Loc.Plus(Scale * s) : Loc - Scale * s;
    }

    Tensor ITensorCdfUnchecked.LogCdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.LogCcdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: true);

    Tensor ITensorCdfUnchecked.IcdfUnchecked(Tensor p) => Quantile(p.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.IccdfUnchecked(Tensor q) => Quantile(q.to(DType, Device), upper: true);
}
