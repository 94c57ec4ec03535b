using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of multivariate normal distributions N(μ, L Lᵀ) parameterised by the mean (batch + [D]) and the
/// lower-triangular Cholesky factor L of the covariance (batch + [D, D]); the two batch shapes broadcast.
/// </summary>
public sealed class MvNormal : TensorDistribution
{
    /// <summary>Creates N(<paramref name="loc"/>, <paramref name="scaleTril"/> <paramref name="scaleTril"/>ᵀ).</summary>
    public MvNormal(Tensor loc, Tensor scaleTril) : this(Prepare(loc, scaleTril)) { }

    private MvNormal((Tensor Loc, Tensor L, long[] Batch) p) : base(p.Batch, [p.Loc.shape[^1]], p.Loc.device, p.Loc.dtype)
    {
        Loc = p.Loc;
        ScaleTril = p.L;
    }

    private static (Tensor, Tensor, long[]) Prepare(Tensor loc, Tensor scaleTril)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(scaleTril);
        if (loc.dim() < 1 || scaleTril.dim() < 2 || scaleTril.shape[^1] != loc.shape[^1] || scaleTril.shape[^2] != loc.shape[^1])
            throw new ArgumentException($"loc must be batch + [D] and scaleTril batch + [D, D]; got [{string.Join(", ", loc.shape)}] and [{string.Join(", ", scaleTril.shape)}].");
        var dtype = TensorParams.FloatType(loc, scaleTril);
        var d = loc.shape[^1];
        var batch = TensorParams.BroadcastShapes(loc.shape[..^1], scaleTril.shape[..^2]);
        var l = TensorParams.ToFloat(loc, dtype, loc.device).expand([.. batch, d]);
        var s = TensorParams.ToFloat(scaleTril, dtype, loc.device).expand([.. batch, d, d]);
        return (l, s, batch);
    }

    /// <summary>The means, batch + [D].</summary>
    public Tensor Loc { get; }

    /// <summary>The Cholesky factors of the covariances, batch + [D, D].</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The dimension D.</summary>
    public long D => EventShape[0];

    /// <summary>The covariance matrices L Lᵀ, batch + [D, D].</summary>
    public Tensor Covariance => ScaleTril.matmul(ScaleTril.transpose(-1, -2));

    /// <inheritdoc />
    public override string Family => "MvNormal";

    /// <inheritdoc />
    public override Support Support => Support.RealVector((int)D);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(() => TensorChecks.Finite("loc", Loc), () => TensorChecks.LowerCholesky("scaleTril", ScaleTril));

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Loc;

    /// <inheritdoc />
    public override Tensor Variance => ScaleTril.Squared().sum(-1);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new IdentityTensorBijector([D]);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new MvNormal(Loc.expand([.. batchShape, D]), ScaleTril.expand([.. batchShape, D, D]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator)
    {
        var eps = Randn(ExtendedShape(sampleShape), generator);
        return Loc.Plus(ScaleTril.matmul(eps.unsqueeze(-1)).squeeze(-1));
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var diff = value - Loc;
        var shape = diff.shape;
        var l = ScaleTril.expand([.. shape, D]);
        var z = linalg.solve_triangular(l, diff.unsqueeze(-1), upper: false).squeeze(-1);
        var halfLogDet = ScaleTril.diagonal(0, -2, -1).log().sum(-1);
        return (z.Squared().sum(-1).Times(-0.5) - halfLogDet).Minus(D * Normal.HalfLog2Pi);
    }
}
