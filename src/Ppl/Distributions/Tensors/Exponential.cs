using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of exponential distributions with the given rates, with log CDF and quantiles (<see cref="ITensorCdf"/>) for truncation.</summary>
public sealed class Exponential : TensorDistribution, ITensorCdf, ITensorCdfUnchecked
{
    /// <summary>Creates Exponential(<paramref name="rate"/>), of mean 1/rate.</summary>
    public Exponential(Tensor rate) : base(rate.shape, [], rate.device, TensorParams.FloatType(rate)) =>
        Rate = TensorParams.ToFloat(rate, DType, Device);

    /// <summary>The rates λ.</summary>
    public Tensor Rate { get; }

    /// <inheritdoc />
    public override string Family => "Exponential";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("rate", Rate);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Rate.reciprocal();

    /// <inheritdoc />
    public override Tensor Variance => Rate.Squared().reciprocal();

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Exponential(Rate.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        -RandOpen(ExtendedShape(sampleShape), generator).log() / Rate;

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value) => MaskSupport(Rate.log() - Rate * value, value.Ge(0));

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
        // log S = −λx and log F = log(−expm1(−λx)) on (0, ∞); at and below 0, and at +∞, the exact ends, with x scored
        // at 1 there (0 and ∞ would give NaN gradients in λ).
        var inside = x.Gt(0.0).logical_and(x.isfinite());
        var xs = where(inside, x, x.FullLike(1.0));
        var logS = (Rate * xs).neg();
        var lp = upper ? logS : logS.expm1().neg().log();
        return lp.MaskedFill(x.Eq(double.PositiveInfinity), upper ? double.NegativeInfinity : 0.0)
                 .MaskedFill(x.Le(0.0), upper ? 0.0 : double.NegativeInfinity);
    }

    // −log1p(−p)/λ, and −log(q)/λ for the upper tail (exact for a small q).
    private Tensor Quantile(Tensor p, bool upper) => (upper ? p.log() : p.neg().log1p()).neg() / Rate;

    Tensor ITensorCdfUnchecked.LogCdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.LogCcdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: true);

    Tensor ITensorCdfUnchecked.IcdfUnchecked(Tensor p) => Quantile(p.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.IccdfUnchecked(Tensor q) => Quantile(q.to(DType, Device), upper: true);
}
