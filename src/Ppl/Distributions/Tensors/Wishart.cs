using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of Wishart distributions over symmetric positive-definite n×n matrices with ν degrees of freedom (ν &gt; n − 1)
/// and scale S = L Lᵀ, given by its lower-triangular Cholesky factor L (batch + [n, n]) as <see cref="MvNormal"/> takes
/// its covariance: log p(W) = ½(ν − n − 1) log|W| − ½ tr(S⁻¹W) − ½νn log 2 − ½ν log|S| − log Γₙ(ν/2), the scalar
/// family's density. Draws by the Bartlett decomposition, W = (LA)(LA)ᵀ with A lower triangular, √χ²(ν − i) on its
/// diagonal and standard normals below it; with the χ² drawn as twice a Gamma((ν − i)/2, 1) with implicit gradients,
/// the draws are reparameterised in ν and L.
/// </summary>
public sealed class Wishart : TensorDistribution
{
    private const double Ln2 = 0.69314718055994531;

    /// <summary>Creates Wishart(<paramref name="nu"/>, <paramref name="scaleTril"/> <paramref name="scaleTril"/>ᵀ): ν of shape batch, the factor batch + [n, n] (the batch shapes broadcast).</summary>
    public Wishart(Tensor nu, Tensor scaleTril) : this(Prepare(nu, scaleTril)) { }

    private Wishart((Tensor Nu, Tensor L, long[] Batch) p) : base(p.Batch, [p.L.shape[^1], p.L.shape[^1]], p.L.device, p.L.dtype)
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

    /// <summary>The Cholesky factors L of the scales, batch + [n, n].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The matrix dimension n.</summary>
    public long Dimension => EventShape[0];

    /// <summary>The scales S = L Lᵀ, batch + [n, n].</summary>
    public Tensor Scale => ScaleTril.matmul(ScaleTril.transpose(-1, -2));

    /// <inheritdoc />
    public override string Family => "Wishart";

    /// <inheritdoc />
    public override Support Support => Support.PositiveDefiniteOf((int)Math.Min(Dimension, int.MaxValue));

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => TensorChecks.LowerCholesky("scaleTril", ScaleTril),
        () => TensorChecks.Finite("nu", Nu),
        () => TensorChecks.Positive($"nu - (dimension - 1) = nu - {Dimension - 1}", Nu.Minus((double)(Dimension - 1))));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <summary>ν S.</summary>
    public override Tensor Mean => Nu.unsqueeze(-1).unsqueeze(-1) * Scale;

    /// <summary>Var(Wᵢⱼ) = ν(Sᵢⱼ² + Sᵢᵢ Sⱼⱼ).</summary>
    public override Tensor Variance
    {
        get
        {
            var s = Scale;
            var d = s.diagonal(0, -2, -1);
            return Nu.unsqueeze(-1).unsqueeze(-1) * s.Squared().Plus(d.unsqueeze(-1) * d.unsqueeze(-2));
        }
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector => new CovarianceTensorBijector(Dimension);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new Wishart(Nu.expand(batchShape), ScaleTril.expand([.. batchShape, Dimension, Dimension]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var n = Dimension;
        var shape = ExtendedShape(sampleShape)[..^2];
        // The diagonal's χ²(ν − i) = 2 Gamma((ν − i)/2, 1), i = 0 … n − 1.
        var offsets = TensorArithmetic.Arange(n, DType, Device);
        var alpha = (Nu.unsqueeze(-1).expand([.. shape, n]) - offsets).Times(0.5);
        var chi = ImplicitReparam.StandardGamma(alpha, generator).Times(2.0).sqrt();
        var a = Randn([.. shape, n, n], generator).tril(-1).Plus(chi.diag_embed());
        var b = ScaleTril.matmul(a);
        return b.matmul(b.transpose(-1, -2));
    }

    /// <summary>log Γₙ(a) = n(n − 1)/4 log π + Σⱼ log Γ(a − j/2), j = 0 … n − 1 (written out: libtorch's multigammaln throws below its domain).</summary>
    internal static Tensor LogMultivariateGamma(long n, Tensor a)
    {
        var sum = a.lgamma();
        for (var j = 1; j < n; j++) sum = sum.Plus(a.Minus(0.5 * j).lgamma());
        return sum.Plus(0.25 * n * (n - 1) * Math.Log(Math.PI));
    }

    /// <summary>
    /// Symmetric positive-definite values (symmetric to 1e-8 relative, with a Cholesky factor) and the factor; other values
    /// are replaced by the identity before factoring, so their (masked) scores keep finite gradients.
    /// </summary>
    internal static (Tensor Ok, Tensor Factor) FactorSpd(Tensor value)
    {
        var n = value.shape[^1];
        var asym = (value - value.transpose(-1, -2)).abs() - value.abs().Plus(1.0).Times(1e-8);
        var symmetric = asym.Le(0.0).all(-1).all(-1);
        var eye = TorchSharp.torch.eye(n, n, value.dtype, value.device);
        var (_, info) = linalg.cholesky_ex(where(symmetric.unsqueeze(-1).unsqueeze(-1), value, eye).detach());
        var ok = symmetric.logical_and(info.Eq(0.0));
        var factor = linalg.cholesky(where(ok.unsqueeze(-1).unsqueeze(-1), value, eye));
        return (ok, factor);
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var n = Dimension;
        if (value.dim() < 2 || value.shape[^1] != n || value.shape[^2] != n)
            throw new ArgumentException($"Wishart in dimension {n} scores batch + [{n}, {n}] matrices, got shape [{string.Join(", ", value.shape)}].", nameof(value));
        var (ok, lw) = FactorSpd(value);
        var logDetW = lw.diagonal(0, -2, -1).log().sum(-1).Times(2.0);
        var logDetS = ScaleTril.diagonal(0, -2, -1).log().sum(-1).Times(2.0);
        // tr(S⁻¹W) = ‖L_S⁻¹ L_W‖²_F: one triangular solve.
        var shape = TensorParams.BroadcastShapes(value.shape[..^2], BatchShape);
        var z = linalg.solve_triangular(ScaleTril.expand([.. shape, n, n]), lw.expand([.. shape, n, n]), upper: false);
        var trace = z.Squared().sum([-2, -1]);
        var lp = (Nu.Minus((double)(n + 1)) * logDetW).Times(0.5) - trace.Times(0.5) - Nu.Times(0.5 * n * Ln2)
                 - (Nu * logDetS).Times(0.5) - LogMultivariateGamma(n, Nu.Times(0.5));
        return MaskSupport(lp, ok.expand(shape));
    }
}
