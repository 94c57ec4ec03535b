using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of inverse-Wishart distributions over symmetric positive-definite n×n matrices with ν degrees of freedom
/// (ν &gt; n − 1) and scale Ψ = L Lᵀ, given by its lower-triangular Cholesky factor L (batch + [n, n]): log p(W) =
/// ½ν log|Ψ| − ½νn log 2 − log Γₙ(ν/2) − ½(ν + n + 1) log|W| − ½ tr(ΨW⁻¹), the scalar family's density. W⁻¹ is
/// Wishart(ν, Ψ⁻¹), so draws invert a Bartlett draw: with A as for <see cref="Wishart"/>, W = (LA⁻ᵀ)(LA⁻ᵀ)ᵀ, one
/// triangular solve; reparameterised in ν (implicit Gamma gradients) and L.
/// </summary>
public sealed class InverseWishart : TensorDistribution
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>Creates InverseWishart(<paramref name="nu"/>, <paramref name="scaleTril"/> <paramref name="scaleTril"/>ᵀ): ν of shape batch, the factor batch + [n, n] (the batch shapes broadcast).</summary>
    public InverseWishart(Tensor nu, Tensor scaleTril) : this(Prepare(nu, scaleTril)) { }

    private InverseWishart((Tensor Nu, Tensor L, long[] Batch) p) : base(p.Batch, [p.L.shape[^1], p.L.shape[^1]], p.L.device, p.L.dtype)
    {
        Nu = p.Nu;
        ScaleTril = p.L;
    }

    private static (Tensor, Tensor, long[]) Prepare(Tensor nu, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(nu);
        ArgumentNullException.ThrowIfNull(scaleTril);
        if (scaleTril.dim() < 2 || scaleTril.shape[^1] != scaleTril.shape[^2])
            throw new ArgumentException($"scaleTril must be batch + [n, n]; got [{string.Join(", ", scaleTril.shape)}].", nameof(scaleTril));
        var dtype = TensorParams.FloatType(nu, scaleTril);
        var n = scaleTril.shape[^1];
        var batch = TensorParams.BroadcastShapes(nu.shape, scaleTril.shape[..^2]);
        var v = TensorParams.ToFloat(nu, dtype, scaleTril.device).expand(batch);
        var l = TensorParams.ToFloat(scaleTril, dtype, scaleTril.device).expand([.. batch, n, n]);
        return (v, l, batch);
    }

    /// <summary>The degrees of freedom ν, shape batch.</summary>
    public Tensor Nu { get; }

    /// <summary>The Cholesky factors L of the scales Ψ, batch + [n, n].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The matrix dimension n.</summary>
    public long Dimension => EventShape[0];

    /// <summary>The scales Ψ = L Lᵀ, batch + [n, n].</summary>
    public Tensor Scale => ScaleTril.matmul(ScaleTril.transpose(-1, -2));

    /// <inheritdoc />
    public override string Family => "InverseWishart";

    /// <inheritdoc />
    public override Support Support => Support.PositiveDefiniteOf((int)Math.Min(Dimension, int.MaxValue));

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.LowerCholesky("scaleTril", ScaleTril),
        () => TensorChecks.Finite("nu", Nu),
        () => TensorChecks.Positive($"nu - (dimension - 1) = nu - {Dimension - 1}", Nu.Minus((double)(Dimension - 1))));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>Ψ/(ν − n − 1) for ν &gt; n + 1; +∞ otherwise.</summary>
    public override Tensor Mean
    {
        get
        {
            var k = Nu.Minus((double)(Dimension + 1)).unsqueeze(-1).unsqueeze(-1);
            return where(k.Gt(0.0), Scale / k, Scale.FullLike(double.PositiveInfinity));
        }
    }

    /// <summary>
    /// Var(Wᵢⱼ) = ((ν − n + 1)Ψᵢⱼ² + (ν − n − 1)ΨᵢᵢΨⱼⱼ) / ((ν − n)(ν − n − 1)²(ν − n − 3)) for ν &gt; n + 3; +∞ otherwise.
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            var s = Scale;
            var d = s.diagonal(0, -2, -1);
            var m = Nu.Minus((double)Dimension).unsqueeze(-1).unsqueeze(-1);
            var num = (m.Plus(1.0) * s.Squared()).Plus(m.Minus(1.0) * (d.unsqueeze(-1) * d.unsqueeze(-2)));
            var den = m * m.Minus(1.0).Squared() * m.Minus(3.0);
            return where(m.Gt(3.0), num / den, s.FullLike(double.PositiveInfinity));
        }
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector => new CovarianceTensorBijector(Dimension);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new InverseWishart(Nu.expand(batchShape), ScaleTril.expand([.. batchShape, Dimension, Dimension]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var n = Dimension;
        var shape = ExtendedShape(sampleShape)[..^2];
        var offsets = TensorArithmetic.Arange(n, DType, Device);
        var alpha = (Nu.unsqueeze(-1).expand([.. shape, n]) - offsets).Times(0.5);
        var chi = ImplicitReparam.StandardGamma(alpha, generator).Times(2.0).sqrt();
        var a = Randn([.. shape, n, n], generator).tril(-1).Plus(chi.diag_embed());
        // A Aᵀ ~ Wishart(ν, I), so W = L (AAᵀ)⁻¹ Lᵀ = (LA⁻ᵀ)(LA⁻ᵀ)ᵀ ~ InverseWishart(ν, LLᵀ).
        var eye = TorchSharp.torch.eye(n, n, DType, Device).expand([.. shape, n, n]);
        var aInv = linalg.solve_triangular(a, eye, upper: false);
        var m = ScaleTril.matmul(aInv.transpose(-1, -2));
        return m.matmul(m.transpose(-1, -2));
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var n = Dimension;
        if (value.dim() < 2 || value.shape[^1] != n || value.shape[^2] != n)
            throw new ArgumentException($"InverseWishart in dimension {n} scores batch + [{n}, {n}] matrices, got shape [{string.Join(", ", value.shape)}].", nameof(value));
        var (ok, lw) = Wishart.FactorSpd(value);
        var logDetW = lw.diagonal(0, -2, -1).log().sum(-1).Times(2.0);
        var logDetS = ScaleTril.diagonal(0, -2, -1).log().sum(-1).Times(2.0);
        // tr(ΨW⁻¹) = ‖L_W⁻¹ L_Ψ‖²_F: one triangular solve.
        var shape = TensorParams.BroadcastShapes(value.shape[..^2], BatchShape);
        var z = linalg.solve_triangular(lw.expand([.. shape, n, n]), ScaleTril.expand([.. shape, n, n]), upper: false);
        var trace = z.Squared().sum([-2, -1]);
        var lp = (Nu * logDetS).Times(0.5) - Nu.Times(0.5 * n * Ln2) - Wishart.LogMultivariateGamma(n, Nu.Times(0.5))
                 - (Nu.Plus((double)(n + 1)) * logDetW).Times(0.5) - trace.Times(0.5);
        return MaskSupport(lp, ok.expand(shape));
    }
}
