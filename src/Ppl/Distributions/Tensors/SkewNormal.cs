using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of Azzalini's skew-normal distributions with location ξ, scale ω and shape α: density
/// (2/ω) φ((x − ξ)/ω) Φ(α (x − ξ)/ω) on ℝ. Draws are ξ + ω(δ|u₀| + √(1 − δ²) u₁) with δ = α/√(1 + α²) and
/// independent standard normals u₀, u₁, which is differentiable in all three parameters.
/// </summary>
public sealed class SkewNormal : TensorDistribution
{
    private const double Log2 = 0.69314718055994530942;

    /// <summary>Creates SkewNormal(<paramref name="xi"/>, <paramref name="omega"/>, <paramref name="alpha"/>); the parameters broadcast to the batch shape.</summary>
    public SkewNormal(Tensor xi, Tensor omega, Tensor alpha) : this(TensorParams.Broadcast(xi, omega, alpha)) { }

    private SkewNormal(Tensor[] p) : base(p[0].shape, [], p[0].device, p[0].dtype)
    {
        Xi = p[0];
        Omega = p[1];
        Alpha = p[2];
    }

    /// <summary>The locations ξ.</summary>
    public Tensor Xi { get; }

    /// <summary>The scales ω.</summary>
    public Tensor Omega { get; }

    /// <summary>The shapes α (α = 0 is the normal; α &gt; 0 skews to the right).</summary>
    public Tensor Alpha { get; }

    /// <inheritdoc />
    public override string Family => "SkewNormal";

    /// <inheritdoc />
    public override Support Support => Support.Real;

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.Finite("xi", Xi), () => TensorChecks.Positive("omega", Omega), () => TensorChecks.Finite("alpha", Alpha));

    /// <inheritdoc />
    public override bool HasRSample => true;

    // δ = α/√(1 + α²); with it √(1 − δ²) = 1/√(1 + α²), computed that way to avoid the cancellation at large |α|.
    private Tensor InvRoot => Alpha.Squared().Plus(1).rsqrt();

    private Tensor Delta => Alpha * InvRoot;

    /// <summary>ξ + ωδ√(2/π).</summary>
    public override Tensor Mean => Xi.Plus(Omega * Delta.Times(Math.Sqrt(2 / Math.PI)));

    /// <summary>ω²(1 − 2δ²/π).</summary>
    public override Tensor Variance => Omega.Squared() * Delta.Squared().Times(-2 / Math.PI).Plus(1);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new SkewNormal(Xi.expand(batchShape), Omega.expand(batchShape), Alpha.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var shape = ExtendedShape(sampleShape);
        var u0 = Randn(shape, generator);
        var u1 = Randn(shape, generator);
        return FromNoise(Xi, Omega, Alpha, u0, u1);
    }

    /// <summary>The draw for given standard-normal noise u₀, u₁ (exposed for gradient tests).</summary>
    internal static Tensor FromNoise(Tensor xi, Tensor omega, Tensor alpha, Tensor u0, Tensor u1)
    {
        // The skew-normal is a normal conditioned on the sign of a correlated one: δ|u₀| + √(1 − δ²) u₁.
        var invRoot = alpha.Squared().Plus(1).rsqrt();
        var z = (alpha * invRoot * u0.abs()).Plus(invRoot * u1);
        return xi.Plus(omega * z);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var z = (value - Xi) / Omega;
        var lp = (z.Times(-0.5) * z - Omega.log()).Plus(TensorSpecial.LogNdtr(Alpha * z)).Plus(Log2 - Normal.HalfLog2Pi);
        // ±∞ and NaN score −∞, as for the scalar family (the formula alone gives NaN there).
        return MaskSupport(lp, value.isfinite());
    }
}
