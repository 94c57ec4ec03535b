using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of Dirichlet distributions over the K-simplex (event shape [K]). Draws normalise independent
/// gammas; reparameterised draws carry the gammas' implicit gradients through the normalisation.
/// </summary>
public sealed class Dirichlet : TensorDistribution
{
    /// <summary>Creates Dirichlet(<paramref name="concentration"/>) with concentration of shape batch + [K], K ≥ 2.</summary>
    public Dirichlet(Tensor concentration)
        : base(concentration.shape[..^1], concentration.shape[^1..], concentration.device, TensorParams.FloatType(concentration))
    {
        if (concentration.dim() < 1 || concentration.shape[^1] < 2)
            throw new ArgumentException("concentration must have a last dimension of size >= 2.", nameof(concentration));
        Concentration = TensorParams.ToFloat(concentration, DType, Device);
    }

    /// <summary>The concentrations α, shape batch + [K].</summary>
    public Tensor Concentration { get; }

    /// <summary>The simplex dimension K.</summary>
    public long K => EventShape[0];

    /// <inheritdoc />
    public override string Family => "Dirichlet";

    /// <inheritdoc />
    public override Support Support => Support.SimplexOf((int)K);

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.Positive("concentration", Concentration);

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Tensor Mean => Concentration / Concentration.sum(-1, keepdim: true);

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var a0 = Concentration.sum(-1, keepdim: true);
            return Concentration * (a0 - Concentration) / (a0.Squared() * a0.Plus(1));
        }
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector => new StickBreakingTensorBijector(K);

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) => new Dirichlet(Concentration.expand([.. batchShape, K]));

    /// <inheritdoc />
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator) => RSampleCore(sampleShape, generator);

    /// <inheritdoc />
    protected override Tensor RSampleCore(long[] sampleShape, Generator? generator) =>
        FromGammas(ImplicitReparam.StandardGamma(Concentration.expand(ExtendedShape(sampleShape)), generator));

    /// <summary>Normalises Gamma(αᵢ, 1) draws onto the simplex (exposed for gradient tests).</summary>
    internal static Tensor FromGammas(Tensor gammas) => gammas / gammas.sum(-1, keepdim: true);

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        var tol = DType == TorchSharp.torch.ScalarType.Float64 ? 1e-8 : 1e-4;
        var inSupport = value.Ge(0).all(-1).logical_and(value.sum(-1).Minus(1).abs().Le(tol * K));
        var x = where(inSupport.unsqueeze(-1), value, value.FullLike(1.0 / K));
        var a = Concentration;
        var lp = xlogy(a.Minus(1), x).sum(-1).Plus(a.sum(-1).lgamma()) - a.lgamma().sum(-1);
        return MaskSupport(lp, inSupport);
    }
}
