using MathNet.Numerics;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of LKJ distributions over Cholesky factors L of D×D correlation matrices with concentration η,
/// with Stan's density p(L) ∝ Πₖ L_kk^(D − k − 1 + 2(η − 1)) (k = 1 … D − 1, zero-based), with respect to
/// the strict lower triangle. Draws use the onion method.
/// </summary>
public sealed class LkjCholesky : TensorDistribution
{
    /// <summary>Creates LKJ-Cholesky of dimension <paramref name="dimension"/> (≥ 2) with <paramref name="concentration"/> η.</summary>
    public LkjCholesky(int dimension, Tensor concentration)
        : base(concentration.shape, [dimension, dimension], concentration.device, TensorParams.FloatType(concentration))
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "LKJ needs dimension >= 2.");
        Dimension = dimension;
        Concentration = TensorParams.ToFloat(concentration, DType, Device);
    }

    /// <summary>The matrix dimension D.</summary>
    public int Dimension { get; }

    /// <summary>The concentrations η (η = 1 is uniform over correlation matrices).</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc />
    public override string Family => "LkjCholesky";

    /// <inheritdoc />
    public override Support Support => Support.CorrelationCholeskyOf(Dimension);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("concentration", Concentration);

    /// <summary>The identity (the mean correlation matrix is I by symmetry; this is the factor of it).</summary>
    public override Tensor Mean => eye(Dimension, dtype: DType, device: Device).expand([.. BatchShape, Dimension, Dimension]);

    /// <summary>Not available in closed form for the factor's entries: NaN.</summary>
    public override Tensor Variance => TensorArithmetic.Full([.. BatchShape, Dimension, Dimension], double.NaN, DType, Device);

    /// <inheritdoc />
    public override ITensorBijector Bijector => new CorrCholeskyTensorBijector(Dimension);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new LkjCholesky(Dimension, Concentration.expand(batchShape));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var lead = (long[])[.. sampleShape, .. BatchShape];
        var eta = Concentration.expand(lead);
        var d = Dimension;
        var rows = new List<Tensor> { nn.functional.pad(ones([.. lead, 1], DType, Device), [0, d - 1]) };
        for (var k = 1; k < d; k++)
        {
            // Row k: squared norm of its off-diagonal part ~ Beta(k/2, η + (D − 1 − k)/2), direction uniform.
            var a = TensorArithmetic.Full(lead, 0.5 * k, DType, Device);
            var b = eta.Plus(0.5 * (d - 1 - k));
            var ga = _standard_gamma(a.contiguous(), generator);
            var gb = _standard_gamma(b.contiguous(), generator);
            var y = ga / ga.Plus(gb);
            var dir = randn([.. lead, k], DType, Device, generator: generator);
            dir = dir / dir.norm(-1, true);
            var w = dir * y.sqrt().unsqueeze(-1);
            var diag = y.SubtractedFrom(1).ClampMin(0).sqrt().unsqueeze(-1);
            rows.Add(nn.functional.pad(cat([w, diag], -1), [0, d - 1 - k]));
        }
        return stack(rows, -2).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var d = Dimension;
        var tol = DType == TorchSharp.torch.ScalarType.Float64 ? 1e-8 : 1e-4;
        var diagAll = value.diagonal(0, -2, -1);
        var inSupport = value.triu(1).Eq(0).all(-1).all(-1)
            .logical_and(diagAll.Gt(0).all(-1))
            .logical_and(value.Squared().sum(-1).Minus(1).abs().Le(tol).all(-1));
        var diag = diagAll[TensorIndex.Ellipsis, TensorIndex.Slice(1, d)].ClampMin(1e-300);
        var k = TensorArithmetic.Arange(1, d, dtype: DType, device: Device);
        var order = (Concentration.unsqueeze(-1).Minus(1).Times(2).Plus(d) - k).Minus(1);
        var unnormalised = (order * diag.log()).sum(-1);
        var lp = unnormalised - LogNormaliser();
        return MaskSupport(lp, inSupport);
    }

    private Tensor LogNormaliser()
    {
        // log c = ½(D−1) log π + log Γ_{D−1}(α − ½) − (D−1) log Γ(α), α = η + (D − 1)/2, where Γ_p is the
        // multivariate gamma function; for D = 2 this reduces to the Beta(η, η) normaliser on (−1, 1).
        var dm1 = Dimension - 1;
        var alpha = Concentration.Plus(0.5 * dm1);
        var multi = alpha.FullLike(0.25 * dm1 * (dm1 - 1) * Math.Log(Math.PI));
        for (var j = 1; j <= dm1; j++) multi = multi.Plus(alpha.Minus(0.5).Plus(0.5 * (1 - j)).lgamma());
        return multi.Plus(0.5 * dm1 * Math.Log(Math.PI)) - alpha.lgamma().Times(dm1);
    }
}
