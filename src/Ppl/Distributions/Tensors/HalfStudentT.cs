using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of half-Student-t distributions: |X| for X ~ StudentT(ν, 0, σ), on [0, ∞). Draws are |σ·ε·√(ν/(2G))|
/// with ε standard normal and G ~ Gamma(ν/2, 1), as for <see cref="StudentT"/>, so they are reparameterised in σ
/// and (through G's implicit gradient) in ν.
/// </summary>
public sealed class HalfStudentT : TensorDistribution
{
    private const double Log2 = 0.69314718055994530942;

    /// <summary>Creates HalfStudentT(<paramref name="nu"/>, <paramref name="sigma"/>); the parameters broadcast to the batch shape.</summary>
    public HalfStudentT(Tensor nu, Tensor sigma) : this(TensorParams.Broadcast(nu, sigma)) { }

    private HalfStudentT(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Nu = p[0];
        Sigma = p[1];
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Tensor Nu { get; }

    /// <summary>The scales σ (of the underlying Student's t).</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "HalfStudentT";

    /// <inheritdoc />
    public override Support Support => Support.Positive;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Positive("nu", Nu), () => TensorChecks.Positive("sigma", Sigma));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>2σ √(ν/π) Γ((ν + 1)/2) / (Γ(ν/2)(ν − 1)) for ν &gt; 1; +∞ otherwise.</summary>
    public override Tensor Mean
    {
        get
        {
            // The Gamma ratio through lgamma: Γ itself overflows for ν above ~340.
            var ratio = (Nu.Plus(1).Times(0.5).lgamma() - Nu.Times(0.5).lgamma()).exp();
            var m = Sigma.Times(2) * Nu.Over(Math.PI).sqrt() * ratio / Nu.Minus(1);
            return where(Nu.Gt(1), m, Nu.FullLike(double.PositiveInfinity));
        }
    }

    /// <summary>σ²ν/(ν − 2) − mean² for ν &gt; 2; +∞ for 1 &lt; ν ≤ 2; NaN otherwise.</summary>
    public override Tensor Variance =>
        where(Nu.Gt(2), Sigma.Squared() * Nu / Nu.Minus(2) - Mean.Squared(),
            where(Nu.Gt(1), Nu.FullLike(double.PositiveInfinity), Nu.FullLike(double.NaN)));

    /// <inheritdoc />
    public override ITensorBijector Bijector => ExpTensorBijector.Instance;

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new HalfStudentT(Nu.expand(batchShape), Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        var g = ImplicitReparam.StandardGamma(Nu.expand(shape).Times(0.5), generator);
        var eps = Randn(shape, generator);
        return FromNoise(Nu, Sigma, eps, g);
    }

    /// <summary>The draw for given standard-normal noise and Gamma(ν/2, 1) draw (exposed for gradient tests).</summary>
    internal static Tensor FromNoise(Tensor nu, Tensor sigma, Tensor eps, Tensor gamma) =>
        (sigma * eps * (nu / gamma.Times(2)).sqrt()).abs();

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        // log 2 + the Student-t log density with location 0: folding doubles the density on [0, ∞).
        var z = value / Sigma;
        var lp = Nu.Plus(1).Times(0.5).lgamma() - Nu.Times(0.5).lgamma() - Nu.Times(Math.PI).log().Times(0.5) - Sigma.log()
                 - Nu.Plus(1).Times(0.5) * (z * z / Nu).log1p();
        return MaskSupport(lp.Plus(Log2), value.Ge(0));
    }
}
