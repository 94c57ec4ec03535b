using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of Student-t distributions with ν degrees of freedom, location μ and scale σ. Draws are
/// μ + σ·ε·√(ν/(2G)) with ε standard normal and G ~ Gamma(ν/2, 1); reparameterised draws take the
/// gradient for ν through G's implicit gradient.
/// </summary>
public sealed class StudentT : TensorDistribution
{
    /// <summary>Creates StudentT(<paramref name="nu"/>, <paramref name="mu"/>, <paramref name="sigma"/>).</summary>
    public StudentT(Tensor nu, Tensor mu, Tensor sigma) : this(TensorParams.Broadcast(nu, mu, sigma)) { }

    private StudentT(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Nu = p[0];
        Mu = p[1];
        Sigma = p[2];
    }

    /// <summary>The degrees of freedom ν.</summary>
    public Tensor Nu { get; }

    /// <summary>The locations μ.</summary>
    public Tensor Mu { get; }

    /// <summary>The scales σ.</summary>
    public Tensor Sigma { get; }

    /// <inheritdoc />
    public override string Family => "StudentT";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Positive("nu", Nu), () => TensorChecks.Finite("mu", Mu), () => TensorChecks.Positive("sigma", Sigma));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>μ for ν &gt; 1, NaN otherwise.</summary>
    public override Tensor Mean => where(Nu.Gt(1), Mu, Mu.FullLike(double.NaN));

    /// <summary>σ²ν/(ν − 2) for ν &gt; 2, +∞ for 1 &lt; ν ≤ 2, NaN otherwise.</summary>
    public override Tensor Variance =>
        where(Nu.Gt(2), Sigma.Squared() * Nu / Nu.Minus(2),
            where(Nu.Gt(1), Mu.FullLike(double.PositiveInfinity), Mu.FullLike(double.NaN)));

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new StudentT(Nu.expand(batchShape), Mu.expand(batchShape), Sigma.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        var g = ImplicitReparam.StandardGamma(Nu.expand(shape).Times(0.5), generator);
        var eps = Randn(shape, generator);
        return FromNoise(Nu, Mu, Sigma, eps, g);
    }

    /// <summary>The draw for given standard-normal noise and Gamma(ν/2, 1) draw (exposed for gradient tests).</summary>
    internal static Tensor FromNoise(Tensor nu, Tensor mu, Tensor sigma, Tensor eps, Tensor gamma) =>
        mu.Plus(sigma * eps * (nu / gamma.Times(2)).sqrt());

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Mu) / Sigma;
        return Nu.Plus(1).Times(0.5).lgamma() - Nu.Times(0.5).lgamma() - Nu.Times(Math.PI).log().Times(0.5) - Sigma.log()
               - Nu.Plus(1).Times(0.5) * (z * z / Nu).log1p();
    }
}
