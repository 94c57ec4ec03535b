using Ppl.Distributions.Tensors;
using Ppl.Inference;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Amortized.Mixtures;
using Ppl.Inference.Amortized.Standardisation;
using Ppl.Inference.Amortized.Training;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Tracking;

/// <summary>
/// A 2-D constant-velocity target, state (pₓ, vₓ, p_y, v_y), seen by a sensor at the origin that reads its
/// range √(pₓ² + p_y²) + N(0, σ_r²) and its bearing atan2(p_y, pₓ) + N(0, σ_b²), wrapped to (−π, π]. The
/// dynamics are linear-Gaussian (so a mixture filter predicts exactly) and the sensor is not (so the update
/// is learned, or done by particles). Everything the dt-filter example and its test need: simulation,
/// the sensor's log-likelihood, the initial prior, the meta-model the transformer trains on, and the
/// standardisation that lets the transformer read a prior anywhere along a track.
/// </summary>
public sealed record RangeBearingTracking
{
    /// <summary>The time step.</summary>
    public double Dt { get; init; } = 1.0;

    /// <summary>The spectral density q of the white-noise acceleration (per axis).</summary>
    public double Acceleration { get; init; } = 0.01;

    /// <summary>σ_r, the range noise.</summary>
    public double RangeSd { get; init; } = 0.5;

    /// <summary>σ_b, the bearing noise in radians.</summary>
    public double BearingSd { get; init; } = 0.03;

    /// <summary>The mean of the initial state.</summary>
    public IReadOnlyList<double> InitialMean { get; init; } = [15.0, 0.0, 5.0, 0.6];

    /// <summary>The standard deviations of the initial state (position, velocity).</summary>
    public (double Position, double Velocity) InitialSd { get; init; } = (1.0, 0.3);

    /// <summary>The number of mixture components the filter carries.</summary>
    public int Components { get; init; } = 3;

    /// <summary>x' = A x + N(0, Q) with the constant-velocity A and the discretised white-acceleration Q.</summary>
    public LinearGaussianDynamics Dynamics
    {
        get
        {
            var a = eye(4, dtype: ScalarType.Float64);
            a[0, 1] = Dt;
            a[2, 3] = Dt;
            var block = tensor(new[] { Dt * Dt * Dt / 3, Dt * Dt / 2, Dt * Dt / 2, Dt }, ScalarType.Float64).reshape(2, 2).Times(Acceleration);
            var q = zeros(4, 4, dtype: ScalarType.Float64);
            q[TensorIndex.Slice(0, 2), TensorIndex.Slice(0, 2)] = block;
            q[TensorIndex.Slice(2, 4), TensorIndex.Slice(2, 4)] = block;
            return new LinearGaussianDynamics(a, q);
        }
    }

    /// <summary>
    /// The prior of the first state for <paramref name="series"/> tracks: a mixture of <see cref="Components"/>
    /// Gaussians spread along pₓ (distinct components, since identical tokens would stay identical in a
    /// permutation-equivariant network), batch [series].
    /// </summary>
    public Gmm InitialPrior(int series)
    {
        var k = Components;
        var (sp, sv) = InitialSd;
        var offsets = k == 1 ? new[] { 0.0 } : Enumerable.Range(0, k).Select(i => (2.0 * i / (k - 1) - 1) * 0.8 * sp).ToArray();
        var means = tensor(InitialMean.ToArray(), ScalarType.Float64).repeat(k, 1);
        means[.., 0] = means[.., 0].Plus(tensor(offsets, ScalarType.Float64));
        var sd = tensor(new[] { sp * (k == 1 ? 1 : 0.6), sv, sp, sv }, ScalarType.Float64);
        var l = diag_embed(sd).expand(k, 4, 4);
        return new Gmm(TensorArithmetic.Full([series, k], 1.0 / k, ScalarType.Float64), means.expand(series, k, 4), l.expand(series, k, 4, 4));
    }

    /// <summary>Simulates <paramref name="series"/> tracks of <paramref name="steps"/> states: states [T, S, 4] and readings (range, bearing) [T, S, 2].</summary>
    public (Tensor States, Tensor Readings) Simulate(int series, int steps, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var dyn = Dynamics;
        var lq = linalg.cholesky(dyn.Q);
        using var g = rng.TorchGenerator();
        var x = InitialPrior(series).Sample(rng);
        var states = new List<Tensor>();
        var readings = new List<Tensor>();
        for (var t = 0; t < steps; t++)
        {
            if (t > 0) x = x.matmul(dyn.A.T).Plus(randn(new long[] { series, 4 }, ScalarType.Float64, generator: g).matmul(lq.T));
            states.Add(x);
            readings.Add(Read(x, g));
        }
        return (stack(states), stack(readings));
    }

    /// <summary>Noisy readings (range, bearing) [..., 2] of states [..., 4].</summary>
    public Tensor Read(Tensor states, Generator? g)
    {
        ArgumentNullException.ThrowIfNull(states);
        var px = states[TensorIndex.Ellipsis, 0];
        var py = states[TensorIndex.Ellipsis, 2];
        var r = px.Squared().Plus(py.Squared()).sqrt().Plus(randn(px.shape, states.dtype, generator: g).Times(RangeSd));
        var b = Wrap(atan2(py, px).Plus(randn(px.shape, states.dtype, generator: g).Times(BearingSd)));
        return stack([r, b], -1);
    }

    /// <summary>log p(reading | state) for states [..., 4] and readings broadcastable to [..., 2].</summary>
    public Tensor LogLikelihood(Tensor states, Tensor readings)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(readings);
        var px = states[TensorIndex.Ellipsis, 0];
        var py = states[TensorIndex.Ellipsis, 2];
        var dr = (readings[TensorIndex.Ellipsis, 0] - px.Squared().Plus(py.Squared()).sqrt()).Over(RangeSd);
        var db = Wrap(readings[TensorIndex.Ellipsis, 1] - atan2(py, px)).Over(BearingSd);
        return dr.Squared().Plus(db.Squared()).Times(-0.5).Minus(Math.Log(RangeSd * BearingSd * 2 * Math.PI));
    }

    private static Tensor Wrap(Tensor angle) => atan2(angle.sin(), angle.cos());

    /// <summary>The number of features <see cref="Standardisation"/> gives each reading.</summary>
    public const int ReadingFeatures = 6;

    /// <summary>
    /// Moment standardisation of the prior, with each reading re-expressed relative to it: the reading's
    /// Cartesian point (r cos θ, r sin θ) minus the prior's mean position, divided by its position scales;
    /// the bearing's direction (cos θ, sin θ); and the log ratios of the range noise and of the cross-range
    /// noise r σ_b to the prior's position scale. The transformer sees the same local problem wherever the
    /// track is.
    /// </summary>
    public MixtureMomentStandardisation Standardisation => new((obs, shift, scale) =>
    {
        var o = obs.to_type(ScalarType.Float64);
        var r = o[TensorIndex.Ellipsis, 0];
        var cos = o[TensorIndex.Ellipsis, 1].cos();
        var sin = o[TensorIndex.Ellipsis, 1].sin();
        var m = shift.to_type(ScalarType.Float64).unsqueeze(1);
        var s = scale.to_type(ScalarType.Float64).unsqueeze(1);
        var sx = s[TensorIndex.Ellipsis, 0];
        var sy = s[TensorIndex.Ellipsis, 2];
        var ux = (r * cos - m[TensorIndex.Ellipsis, 0]) / sx;
        var uy = (r * sin - m[TensorIndex.Ellipsis, 2]) / sy;
        var sp = (sx * sy).sqrt();
        var rangeRatio = sp.reciprocal().Times(RangeSd).log();
        var crossRatio = (r.abs().ClampMin(1e-6).Times(BearingSd) / sp).log();
        return stack([ux, uy, cos, sin, rangeRatio, crossRatio], -1);
    });

    /// <summary>A transformer configuration for this task (state dimension 4, one reading source of <see cref="ReadingFeatures"/> features).</summary>
    public DtConfig TransformerConfig(int modelDimension = 32, int layers = 3, int heads = 4) => new()
    {
        StateDimension = 4, ObservationDimensions = [ReadingFeatures], ModelDimension = modelDimension, Heads = heads,
        Layers = layers, FeedForward = 4 * modelDimension, EmbeddingHidden = 64,
    };

    /// <summary>
    /// The meta-model for training the update: priors that look like a filter's predictions anywhere in the
    /// region (centre at a range U(3, 45) and any angle, velocity N(0, 0.8²); a random covariance with
    /// position sd in [0.1, 4], velocity sd in [0.03, 1.2], random position-velocity correlation and a random
    /// orientation; <see cref="Components"/> components scattered around the centre with jittered covariances),
    /// x from the prior, one reading of x.
    /// </summary>
    public TensorMetaModel MetaModel => new((b, rng) =>
    {
        using var g = rng.TorchGenerator();
        var k = Components;
        Tensor U(double lo, double hi, params long[] shape) => rand(shape, ScalarType.Float64, generator: g).Times(hi - lo).Plus(lo);
        var range = U(3, 45, b);
        var angle = U(-Math.PI, Math.PI, b);
        var centre = stack([range * angle.cos(), randn(b, dtype: ScalarType.Float64, generator: g).Times(0.8), range * angle.sin(), randn(b, dtype: ScalarType.Float64, generator: g).Times(0.8)], -1);
        // Per axis a 2 × 2 (position, velocity) factor [[s_p, 0], [ρ s_v, √(1−ρ²) s_v]], then a rotation of both axes.
        var sp = U(Math.Log(0.1), Math.Log(4), b, 2).exp();
        var sv = U(Math.Log(0.03), Math.Log(1.2), b, 2).exp();
        var rho = U(-0.95, 0.95, b, 2);
        var lBase = zeros(new long[] { b, 4, 4 }, ScalarType.Float64);
        for (var axis = 0; axis < 2; axis++)
        {
            var i = 2 * axis;
            lBase[.., i, i] = sp[.., axis];
            lBase[.., i + 1, i] = rho[.., axis] * sv[.., axis];
            lBase[.., i + 1, i + 1] = rho[.., axis].Squared().SubtractedFrom(1).sqrt() * sv[.., axis];
        }
        var psi = U(-Math.PI, Math.PI, b);
        var rot = zeros(new long[] { b, 4, 4 }, ScalarType.Float64);
        rot[.., 0, 0] = psi.cos(); rot[.., 0, 2] = -psi.sin(); rot[.., 2, 0] = psi.sin(); rot[.., 2, 2] = psi.cos();
        rot[.., 1, 1] = psi.cos(); rot[.., 1, 3] = -psi.sin(); rot[.., 3, 1] = psi.sin(); rot[.., 3, 3] = psi.cos();
        var cov = rot.matmul(lBase).matmul(lBase.transpose(-1, -2)).matmul(rot.transpose(-1, -2));
        var l = linalg.cholesky(cov.Plus(cov.transpose(-1, -2)).Times(0.5).Plus(eye(4, dtype: ScalarType.Float64).Times(1e-9)));
        // Components: means scattered by a random fraction of the spread, covariances shrunk to match and jittered.
        var spread = U(0, 0.9, b, 1, 1);
        var offsets = randn(new long[] { b, k, 4 }, ScalarType.Float64, generator: g).matmul(l.transpose(-1, -2)) * spread;
        var means = centre.unsqueeze(1).Plus(offsets);
        var shrink = (spread.Squared().SubtractedFrom(1).ClampMin(0.05).sqrt() * randn(new long[] { b, k, 1 }, ScalarType.Float64, generator: g).Times(0.2).exp()).unsqueeze(-1);
        var ls = l.unsqueeze(1) * shrink;
        var w = -rand(new long[] { b, k }, ScalarType.Float64, generator: g).ClampMin(1e-12).log();
        w /= w.sum(-1, keepdim: true);
        var prior = new Gmm(w, means, ls);
        var x = prior.Sample(rng);
        var z = Read(x, g).unsqueeze(1);
        return new MetaBatch(DtPrior.FromMixture(GmmTensors.From(prior)), x, [z]);
    });
}
