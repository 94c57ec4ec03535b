using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>A batch of normal distributions N(mu, sigma²), with log CDF and quantiles (<see cref="ITensorCdf"/>) for truncation.</summary>
public sealed class Normal : TensorDistribution, ITensorCdf, ITensorCdfUnchecked
{
    internal const double HalfLog2Pi = 0.91893853320467274178;

    /// <summary>Creates N(<paramref name="mu"/>, <paramref name="sigma"/>²); the parameters broadcast to the batch shape.</summary>
    public Normal(Tensor mu, Tensor sigma) : this(TensorParams.Broadcast(mu, sigma)) { }

    private Normal(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Mu = p[0];
        Sigma = p[1];
    }

    /// <summary>The means.</summary>
    public Tensor Mu { get; }

    /// <summary>The standard deviations.</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "Normal";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.FiniteAndPositive("mu", Mu, "sigma", Sigma);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Mu;

    /// <inheritdoc />
    public override Tensor Variance => Sigma.Squared();

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Normal(Mu.expand(batchShape), Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        Mu.Plus(Sigma * Randn(ExtendedShape(sampleShape), generator));

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Mu) / Sigma;
        return (z.Times(-0.5) * z - Sigma.log()).Minus(HalfLog2Pi);
    }

    /// <summary>log Φ((x − μ)/σ), broadcast against the batch; −∞ at x = −∞ and 0 at x = +∞.</summary>
    public Tensor LogCdf(Tensor x) => LogTail(CheckedArgument(x), upper: false);

    /// <summary>log Φ(−(x − μ)/σ), broadcast against the batch; 0 at x = −∞ and −∞ at x = +∞.</summary>
    public Tensor LogCcdf(Tensor x) => LogTail(CheckedArgument(x), upper: true);

    /// <summary>μ + σ Φ⁻¹(p).</summary>
    public Tensor Icdf(Tensor p) => Mu.Plus(Sigma * special.ndtri(CheckedArgument(p)));

    /// <summary>μ − σ Φ⁻¹(q): by symmetry, the point with upper-tail probability q, without forming 1 − q.</summary>
    public Tensor Iccdf(Tensor q) => Mu - Sigma * special.ndtri(CheckedArgument(q));

    private Tensor LogTail(Tensor x, bool upper)
    {
        // An infinite x would make z infinite and its gradient in μ and σ NaN: score μ there instead and put in the exact
        // end afterwards (NaN stays NaN).
        var infinite = x.isinf();
        var z = (where(infinite, Mu, x) - Mu) / Sigma;
        var lp = TensorSpecial.LogNdtr(upper ? z.neg() : z);
        return lp.MaskedFill(x.Eq(double.PositiveInfinity), upper ? double.NegativeInfinity : 0.0)
                 .MaskedFill(x.Eq(double.NegativeInfinity), upper ? 0.0 : double.NegativeInfinity);
    }

    Tensor ITensorCdfUnchecked.LogCdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: false);

    Tensor ITensorCdfUnchecked.LogCcdfUnchecked(Tensor x) => LogTail(x.to(DType, Device), upper: true);

    Tensor ITensorCdfUnchecked.IcdfUnchecked(Tensor p) => Mu.Plus(Sigma * special.ndtri(p.to(DType, Device)));

    Tensor ITensorCdfUnchecked.IccdfUnchecked(Tensor q) => Mu - Sigma * special.ndtri(q.to(DType, Device));
}
