using MathNet.Numerics;
using static TorchSharp.torch;

namespace Ppl.Distributions.Tensors;

/// <summary>
/// A batch of von Mises–Fisher distributions on the unit sphere Sⁿ⁻¹ (the last dimension), with mean directions μ (unit
/// vectors, shape batch + [n]) and concentrations κ ≥ 0 (shape batch): log p(x) = log Cₙ(κ) + κ μᵀx with respect to
/// the sphere's surface measure, Cₙ(κ) = κ^(n/2 − 1) / ((2π)^(n/2) I_(n/2−1)(κ)), as the scalar family. libtorch has
/// I_ν only for ν = 0, 1, so log Cₙ and its derivative −Aₙ(κ) = −I_(n/2)(κ)/I_(n/2−1)(κ) are computed on the CPU in
/// double (MathNet's scaled Bessel functions) and the derivative attached as a first-order surrogate. Draws by Wood's
/// (1994) rejection sampler, vectorised; they are not reparameterised.
/// </summary>
public sealed class VonMisesFisher : TensorDistribution
{
    /// <summary>Creates VonMisesFisher(<paramref name="mu"/>, <paramref name="kappa"/>): μ of shape batch + [n], κ of shape batch (they broadcast).</summary>
    public VonMisesFisher(Tensor mu, Tensor kappa) : this(Params(mu, kappa)) { }

    private VonMisesFisher(Tensor[] p) : base(p[0].shape[..^1], [p[0].shape[^1]], p[0].device, p[0].dtype)
    {
        Mu = p[0];
        Kappa = p[1];
    }

    private static Tensor[] Params(Tensor mu, Tensor kappa)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(kappa);
        if (mu.dim() < 1) throw new ArgumentException("mu needs a last dimension (the vector).", nameof(mu));
        // κ broadcasts against μ's batch dimensions: give it a unit vector dimension, broadcast, and take it off again.
        var p = TensorParams.Broadcast(mu, kappa.unsqueeze(-1));
        return [p[0], p[1].select(-1, 0)];
    }

    /// <summary>The mean directions μ, shape batch + [n].</summary>
    public Tensor Mu { get; }

    /// <summary>The concentrations κ, shape batch.</summary>
    public Tensor Kappa { get; }

    /// <summary>The dimension n.</summary>
    public long Dimension => EventShape[0];

    /// <inheritdoc />
    public override string Family => "VonMisesFisher";

    /// <inheritdoc />
    public override Support Support => Support.UnitSphereOf((int)Math.Min(Dimension, int.MaxValue));

    /// <inheritdoc />
    public override string? ParameterError => TensorChecks.First(
        () => Dimension >= 2 ? null : $"mu must have at least 2 entries, got {Dimension}",
        () => TensorChecks.Finite("mu", Mu),
        () => TensorChecks.UnitNorm("mu", Mu, DType == ScalarType.Float64 ? 1e-6 : 1e-4),
        () => TensorChecks.NonNegative("kappa", Kappa));

    /// <summary>Aₙ(κ) μ.</summary>
    public override Tensor Mean => MeanResultantLength().unsqueeze(-1) * Mu;

    /// <summary>
    /// The coordinates' variances, the diagonal of E[xxᵀ] − E[x]E[x]ᵀ with E[xxᵀ] = (Aₙ/κ) I + (1 − n Aₙ/κ) μμᵀ
    /// (Mardia and Jupp): Aₙ/κ + (1 − n Aₙ/κ − Aₙ²) μᵢ².
    /// </summary>
    public override Tensor Variance
    {
        get
        {
            var a = MeanResultantLength().unsqueeze(-1);
            var aOverK = Elementwise(Kappa, k => k < 1e-8 ? 1.0 / Dimension : MeanResultantLength(Dimension, k) / k).unsqueeze(-1);
            return aOverK.Plus((aOverK.Times(-(double)Dimension).Plus(1.0) - a.Squared()) * Mu.Squared());
        }
    }

    /// <inheritdoc />
    public override ITensorBijector Bijector => new UnitVectorTensorBijector(Math.Max(Dimension, 2));

    /// <inheritdoc />
    public override TensorDistribution Expand(long[] batchShape) =>
        new VonMisesFisher(Mu.expand([.. batchShape, Dimension]), Kappa.expand(batchShape));

    /// <summary>Aₙ(κ) = I_(n/2)(κ)/I_(n/2−1)(κ) = E[μᵀx], shape batch (no gradient).</summary>
    public Tensor MeanResultantLength() => Elementwise(Kappa, k => MeanResultantLength(Dimension, k));

    /// <summary>log Cₙ(κ), shape batch, with its gradient −Aₙ(κ) in κ attached.</summary>
    public Tensor LogNormalizer()
    {
        var kd = Kappa.detach();
        var value = Elementwise(kd, k => LogNormalizer(Dimension, k));
        if (!Kappa.requires_grad) return value;
        // value + (κ − κ̄)·(−Aₙ(κ̄)): the value is exact and the first derivative is d log Cₙ/dκ.
        return value - (Kappa - kd) * Elementwise(kd, k => MeanResultantLength(Dimension, k));
    }

    private static double LogNormalizer(long n, double kappa)
    {
        if (kappa < 1e-12) return UnitVector.LogUniform(n) - kappa * kappa / (2.0 * n);
        var v = 0.5 * n - 1;
        // log I_v(κ) = κ + log(e^−κ I_v(κ)).
        return v * Math.Log(kappa) - 0.5 * n * Math.Log(2 * Math.PI) - kappa - Math.Log(SpecialFunctions.BesselIScaled(v, kappa));
    }

    private static double MeanResultantLength(long n, double kappa) =>
        kappa < 1e-8 ? kappa / n : SpecialFunctions.BesselIScaled(0.5 * n, kappa) / SpecialFunctions.BesselIScaled(0.5 * n - 1, kappa);

    /// <summary>f of each element of <paramref name="t"/>, computed on the CPU in double, back in this dtype and device.</summary>
    private Tensor Elementwise(Tensor t, Func<double, double> f)
    {
        using var scope = NewDisposeScope();
        using var ng = no_grad();
        var xs = t.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
        var r = new double[xs.Length];
        for (var i = 0; i < r.Length; i++) r[i] = f(xs[i]);
        return tensor(r, t.shape, ScalarType.Float64).to(DType, Device).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Wood (1994): the cosine w = μᵀx by rejection from a transformed Beta((n − 1)/2, (n − 1)/2) draw (vectorised: each
    /// round proposes for every element and keeps the first acceptance), a uniform direction orthogonal to e₁ for the
    /// rest, and the Householder reflection taking e₁ to μ. In float64 whatever the dtype: 1 − x₀² is about 4b ≈ (n − 1)/κ.
    /// </summary>
    protected override Tensor SampleCore(long[] sampleShape, Generator? generator)
    {
        using var scope = NewDisposeScope();
        var n = Dimension;
        double m = n - 1;
        var shape = ExtendedShape(sampleShape)[..^1];
        var k = Kappa.to_type(ScalarType.Float64).expand(shape);
        // b = m/(2κ + √(4κ² + m²)) (1 at κ = 0, where every proposal is accepted and w is the uniform sphere's cosine).
        var b = k.Times(2).Plus(k.Squared().Times(4).Plus(m * m).sqrt()).reciprocal().Times(m);
        var x0 = b.SubtractedFrom(1.0) / b.Plus(1.0);
        var c = (k * x0).Plus(x0.Squared().SubtractedFrom(1.0).log().Times(m));
        var half = TensorArithmetic.Full(shape, 0.5 * m, ScalarType.Float64, Device);
        var w = zeros(shape, ScalarType.Float64, Device);
        var done = zeros(shape, ScalarType.Bool, Device);
        while (!done.all().item<bool>())
        {
            var g1 = _standard_gamma(half, generator);
            var g2 = _standard_gamma(half, generator);
            var z = g1 / g1.Plus(g2);
            var wz = (b.Plus(1.0) * z).SubtractedFrom(1.0) / (b.SubtractedFrom(1.0) * z).SubtractedFrom(1.0);
            var u = rand(shape, ScalarType.Float64, Device, generator: generator).ClampMin(1e-300);
            var accept = ((k * wz).Plus((x0 * wz).SubtractedFrom(1.0).log().Times(m)) - c).ge(u.log());
            w = where(accept.logical_and(done.logical_not()), wz, w);
            done = done.logical_or(accept);
        }
        var v = UnitVector.UniformDirections([.. shape, n - 1], ScalarType.Float64, Device, generator);
        var r = w.Squared().SubtractedFrom(1.0).ClampMin(0.0).sqrt().unsqueeze(-1);
        var y = cat([w.unsqueeze(-1), r * v], -1);
        // H = I − 2hhᵀ/‖h‖² with h = e₁ − μ maps e₁ to μ (the identity when μ = e₁, where h = 0).
        var mu = Mu.to_type(ScalarType.Float64).expand([.. shape, n]);
        var e1 = zeros([n], ScalarType.Float64, Device);
        e1[0] = tensor(1.0, ScalarType.Float64, Device);
        var h = e1 - mu;
        var hh = h.Squared().sum(-1, keepdim: true);
        var hy = (h * y).sum(-1, keepdim: true);
        var reflected = y - (hy / hh.ClampMin(1e-300)).Times(2.0) * h;
        var x = where(hh.Gt(1e-30), reflected, y);
        return x.to_type(DType).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor LogProbCore(Tensor value)
    {
        if (value.dim() < 1 || value.shape[^1] != Dimension)
            throw new ArgumentException($"VonMisesFisher in dimension {Dimension} scores vectors of length {Dimension} in the last dimension, got shape [{string.Join(", ", value.shape)}].", nameof(value));
        var lp = LogNormalizer().Plus(Kappa * (Mu * value).sum(-1));
        return MaskSupport(lp, UnitVector.OnSphere(value));
    }
}
