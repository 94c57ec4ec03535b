using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of univariate continuous distributions restricted to [lower, upper] and renormalised: density p(x) / Z on
/// the interval with Z = F(upper) − F(lower), computed in log space from the base's log CDF (or, where the interval
/// starts above the base's median, from its log survival function) so that truncations far in a tail keep their
/// digits, as the scalar <see cref="Ppl.Distributions.Truncated{D}"/> does. Either bound may be infinite (one-sided
/// truncation), elementwise. Draws are by inverting the CDF (in survival form in the upper half), which is
/// differentiable in the base's parameters where the base's quantiles are, so the family is reparameterised when the
/// base is. Bounds should lie in the base's support (for <see cref="Exponential"/>, lower ≥ 0).
/// </summary>
/// <typeparam name="D">The base family: a tensor family with a log CDF and quantiles (<see cref="ITensorCdf"/>): <see cref="Normal"/>, <see cref="Laplace"/>, <see cref="Cauchy"/>, <see cref="Exponential"/>.</typeparam>
public sealed class Truncated<D> : TensorDistribution where D : TensorDistribution, ITensorCdf
{
    private const double LogHalf = -0.69314718055994530942;

    /// <summary>
    /// Creates the truncation of <paramref name="distribution"/> to [<paramref name="lower"/>, <paramref name="upper"/>]
    /// (−∞/+∞ for no bound); the batch is the broadcast of the base's batch and the bounds.
    /// </summary>
    public Truncated(D distribution, Tensor lower, Tensor upper)
        : base(Shape(distribution, lower, upper), [], distribution.Device, distribution.DType)
    {
        Distribution = distribution.BatchShape.SequenceEqual(BatchShape) ? distribution : (D)distribution.Expand(BatchShape);
        Lower = TensorParams.ToFloat(lower, DType, Device).expand(BatchShape);
        Upper = TensorParams.ToFloat(upper, DType, Device).expand(BatchShape);
    }

    private static long[] Shape(D distribution, Tensor lower, Tensor upper)
    {
        ArgumentNullException.ThrowIfNull(distribution);
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (distribution.EventShape.Length != 0) throw new ArgumentException($"Truncated needs a univariate base, got {distribution.Family} with event shape [{string.Join(", ", distribution.EventShape)}].", nameof(distribution));
        return TensorParams.BroadcastShapes(distribution.BatchShape, lower.shape, upper.shape);
    }

    /// <summary>The base distribution, with the batch shape of the truncation.</summary>
    public D Distribution { get; }

    /// <summary>The lower bounds (−∞ for none).</summary>
    public Tensor Lower { get; }

    /// <summary>The upper bounds (+∞ for none).</summary>
    public Tensor Upper { get; }

    /// <inheritdoc />
    public override string Family => "Truncated";

    /// <summary>An interval; the bounds vary over the batch, so they are not recorded here.</summary>
    public override Support Support => new(SupportKind.Interval);

    /// <summary>
    /// Null when the base's parameters and the bounds are valid and every interval has positive probability;
    /// otherwise a message naming the problem (the base's own message, a NaN bound, upper ≤ lower, or an interval of
    /// probability 0).
    /// </summary>
    public override string? ParameterError => TensorChecks.First(
        () => Distribution.ParameterError is { } e ? $"{Distribution.Family}: {e}" : null,
        () => TensorChecks.NotNaN("lower", Lower), () => TensorChecks.NotNaN("upper", Upper),
        () => TensorChecks.PositiveOrInfinite("upper - lower", Upper - Lower),
        MassError);

    /// <inheritdoc />
    public override bool HasRSample => Distribution.HasRSample;

    /// <summary>
    /// For a <see cref="Normal"/> base, μ + σ(φ(α) − φ(β))/Z with α, β the standardised bounds; NaN for other bases
    /// (the interface carries no moments).
    /// </summary>
    public override Tensor Mean
    {
        get
        {
            if (Distribution is not Normal n) return Lower.FullLike(double.NaN);
            var (pa, pb, _, _) = NormalTerms(n);
            return n.Mu.Plus(n.Sigma * (pa - pb));
        }
    }

    /// <summary>
    /// For a <see cref="Normal"/> base, σ²(1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²); NaN for other bases.
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            if (Distribution is not Normal n) return Lower.FullLike(double.NaN);
            var (pa, pb, apa, bpb) = NormalTerms(n);
            return n.Sigma.Squared() * ((apa - bpb).Plus(1.0) - (pa - pb).Squared());
        }
    }

    /// <summary>φ(α)/Z, φ(β)/Z, αφ(α)/Z, βφ(β)/Z for the standardised bounds, each 0 at an infinite bound.</summary>
    private (Tensor Pa, Tensor Pb, Tensor APa, Tensor BPb) NormalTerms(Normal n)
    {
        var logZ = LogNormaliser();
        (Tensor P, Tensor XP) At(Tensor bound)
        {
            var infinite = bound.isinf();
            var z = (where(infinite, n.Mu, bound) - n.Mu) / n.Sigma;
            // φ(z)/Z as exp(log φ(z) − log Z): both are tiny far in a tail.
            var p = (z.Times(-0.5) * z - logZ).Minus(Normal.HalfLog2Pi).exp().MaskedFill(infinite, 0.0);
            return (p, (z * p).MaskedFill(infinite, 0.0));
        }
        var (pa, apa) = At(Lower);
        var (pb, bpb) = At(Upper);
        return (pa, pb, apa, bpb);
    }

    /// <summary>The map from ℝ onto [lower, upper] (sigmoid, shifted exponential or identity, by which bounds are finite).</summary>
    public override ITensorBijector Bijector => new BoundsTensorBijector(Lower, Upper);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new Truncated<D>((D)Distribution.Expand(batchShape), Lower.expand(batchShape), Upper.expand(batchShape));

    // The base's CDF without its parameter check where the family offers that (every caller here runs after this
    // distribution's own check, which includes the base's), with it otherwise.
    private Tensor BaseLogCdf(Tensor x) => Distribution is ITensorCdfUnchecked u ? u.LogCdfUnchecked(x) : Distribution.LogCdf(x);

    private Tensor BaseLogCcdf(Tensor x) => Distribution is ITensorCdfUnchecked u ? u.LogCcdfUnchecked(x) : Distribution.LogCcdf(x);

    private Tensor BaseIcdf(Tensor p) => Distribution is ITensorCdfUnchecked u ? u.IcdfUnchecked(p) : Distribution.Icdf(p);

    private Tensor BaseIccdf(Tensor q) => Distribution is ITensorCdfUnchecked u ? u.IccdfUnchecked(q) : Distribution.Iccdf(q);

    /// <summary>log Z = log P(lower ≤ X ≤ upper) under the base, elementwise (without the parameter check).</summary>
    internal Tensor LogNormaliser()
    {
        var upperHalf = UpperHalf();
        var fromCdf = LogDiffExp(BaseLogCdf(Upper), BaseLogCdf(Lower));
        var fromCcdf = LogDiffExp(BaseLogCcdf(Lower), BaseLogCcdf(Upper));
        return where(upperHalf, fromCcdf, fromCdf);
    }

    /// <summary>True where the interval starts above the base's median: differences of survival functions keep the digits there.</summary>
    private Tensor UpperHalf() => BaseLogCdf(Lower).Gt(LogHalf);

    /// <summary>
    /// log(eˣ − eʸ) for x ≥ y, as x + log(−expm1(y − x)). The difference is held below 0 so that a branch where() discards
    /// (or an interval of mass 0, which the parameter check reports) stays finite with a finite gradient.
    /// </summary>
    private Tensor LogDiffExp(Tensor x, Tensor y)
    {
        var tiny = DType == ScalarType.Float64 ? 1e-300 : 1e-38;
        var d = (y - x).ClampMax(-tiny);
        return x.Plus(d.expm1().neg().log());
    }

    private string? MassError()
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var logZ = LogNormaliser();
        // Z is at most 1; a logZ of −∞ or NaN (both bounds beyond where the base's log CDF is finite) is no mass at all.
        var bad = logZ.isfinite().logical_not();
        if (!bad.any().item<bool>()) return null;
        var i = bad.reshape(-1).nonzero()[0, 0].item<long>();
        string Show(Tensor t) => TensorChecks.Item(t.reshape(-1)[i]).ToString("R", CultureInfo.InvariantCulture);
        return $"the interval [{Show(Lower)}, {Show(Upper)}] has probability 0 under {Distribution.Family}";
    }

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <summary>
    /// x with F(x) = F(lower) + vZ for v uniform, or S(x) = S(upper) + (1 − v)Z where the interval is in the upper half
    /// (the survival form keeps the digits there), formed in log space and clamped into [lower, upper] against rounding.
    /// </summary>
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        var v = RandOpen(shape, generator);
        var logZ = LogNormaliser();
        var upperHalf = UpperHalf().expand(shape);
        var p = BaseLogCdf(Lower).logaddexp(v.log().Plus(logZ)).exp();
        var q = BaseLogCcdf(Upper).logaddexp(v.neg().log1p().Plus(logZ)).exp();
        // Each quantile sees 0.5 where its form is not the one used: a p or q of 1 there would be an infinite quantile.
        var x = where(upperHalf, BaseIccdf(where(upperHalf, q, q.FullLike(0.5))),
            BaseIcdf(where(upperHalf, p.FullLike(0.5), p)));
        return minimum(maximum(x, Lower), Upper);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        // The value is already in this dtype and device, and the base was checked with this distribution.
        var lp = Distribution.LogProbOfOwnDraw(value) - LogNormaliser();
        return MaskSupport(lp, value.ge(Lower).logical_and(value.le(Upper)));
    }

    /// <inheritdoc />
    public override string ToString() => $"Truncated({Distribution}, batch [{string.Join(", ", BatchShape)}])";
}
