using Ppl.Distributions.Tensors;
using Ppl.Inference;
using Ppl.Inference.Amortized.Exact;
using Ppl.Inference.Smc;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Tracking;

/// <summary>
/// The bootstrap particle filter for linear-Gaussian dynamics and any likelihood, batched over independent
/// series: particles [P, S, D] are propagated through the dynamics, weighted by the likelihood of the
/// step's reading, and resampled after every step (multinomially by default) with one of the library's
/// resamplers (<see cref="IResampler"/>). The baseline the learned update is compared with in filtering.
/// <para>
/// It is not the library's typed filter (<see cref="ParticleFilter{TModel, TState}"/>): that one runs one
/// series on scalar states, while this one moves every series' particles in one tensor operation and takes
/// its likelihood as a tensor function, which is what makes the timing comparable with the batched
/// transformer filter. It also returns each step's weights before resampling, for scoring.
/// </para>
/// </summary>
public sealed class BootstrapParticleFilter
{
    private readonly Tensor _a;
    private readonly Tensor _lq;
    private readonly Func<Tensor, Tensor, Tensor> _logLikelihood;
    private readonly IResampler _resampler;
    private readonly Generator? _g;
    private Tensor? _particles;

    /// <summary>Creates the filter.</summary>
    /// <param name="dynamics">x' = A x + N(0, Q).</param>
    /// <param name="logLikelihood">log p(reading | x) for particles [P, S, D] and readings [S, Dz], returning [P, S].</param>
    /// <param name="particles">P, the number of particles per series.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="resampler">The resampling scheme, applied to each series (default <see cref="Resamplers.Multinomial"/>, the scheme the dt-filter figures were made with).</param>
    public BootstrapParticleFilter(LinearGaussianDynamics dynamics, Func<Tensor, Tensor, Tensor> logLikelihood, int particles, Rng rng, IResampler? resampler = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        _logLikelihood = logLikelihood ?? throw new ArgumentNullException(nameof(logLikelihood));
        _a = dynamics.A.to_type(ScalarType.Float64);
        _lq = linalg.cholesky(dynamics.Q.to_type(ScalarType.Float64).Plus(eye(dynamics.StateDimension, dtype: ScalarType.Float64).Times(1e-12)));
        _resampler = resampler ?? Resamplers.Multinomial;
        _g = rng.TorchGenerator();
        Rng = rng;
        Particles = particles;
    }

    /// <summary>P.</summary>
    public int Particles { get; }

    private Rng Rng { get; }

    /// <summary>
    /// One step. The first call draws the particles from <paramref name="initial"/> (the prior of the first
    /// state, batch [S]); later calls propagate the previous step's resampled particles. Returns the weighted
    /// particles of the filtering posterior, [P, S, D] and normalised log weights [P, S], before resampling.
    /// </summary>
    public (Tensor Particles, Tensor LogWeights) Step(Gmm initial, Tensor reading)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(reading);
        using var ng = no_grad();
        var x = _particles is null
            ? initial.Sample(Rng, [Particles]).to_type(ScalarType.Float64)
            : _particles.matmul(_a.T).Plus(randn(_particles.shape, ScalarType.Float64, generator: _g).matmul(_lq.T));
        var logW = _logLikelihood(x, reading);
        if (logW.isnan().any().item<bool>()) throw new InferenceException("The log likelihood returned NaN for some particle.");
        logW = logW - logW.logsumexp(0, keepdim: true);
        if (logW.isnan().any().item<bool>()) throw new InferenceException("Every particle of some series has zero likelihood: the reading is impossible under all of them.");
        var s = x.shape[1];
        var idx = Ancestors(logW, (int)s); // [S, P]
        var resampled = x.permute(1, 0, 2).gather(1, idx.unsqueeze(-1).expand(s, Particles, x.shape[2])).permute(1, 0, 2).contiguous();
        // The filter keeps its particles across steps, so they must outlive any dispose scope of the caller.
        _particles?.Dispose();
        _particles = resampled.DetachFromDisposeScope();
        return (x, logW);
    }

    /// <summary>
    /// Per series, P ancestor indices into the particle axis drawn by the resampler from the normalised
    /// weights, [S, P] int64. The weights leave the tensor once per step (P·S doubles), so that every scheme
    /// of the library's one resampling module applies here as it does in the scalar filters.
    /// </summary>
    private Tensor Ancestors(Tensor logW, int series)
    {
        var p = Particles;
        // Row-major [S, P]: each series' weights are one contiguous span.
        var weights = logW.T.to_type(ScalarType.Float64).exp().contiguous().data<double>().ToArray();
        var ancestors = new long[series * p];
        var row = new int[p];
        for (var i = 0; i < series; i++)
        {
            _resampler.Ancestors(weights.AsSpan(i * p, p), row, Rng);
            for (var j = 0; j < p; j++) ancestors[i * p + j] = row[j];
        }
        return tensor(ancestors, new long[] { series, p }, device: logW.device);
    }

    /// <summary>
    /// log of a Gaussian kernel density estimate of the weighted particles at <paramref name="points"/> [S, D]:
    /// kernel covariance h² Σ̂ with Σ̂ the weighted covariance and Scott's factor h = ESS^(−1/(D+4)). A consistent
    /// density for the particle posterior, used to score it by the NLL of the true state. Returns [S].
    /// </summary>
    public static Tensor KernelLogDensity(Tensor particles, Tensor logWeights, Tensor points)
    {
        ArgumentNullException.ThrowIfNull(particles);
        ArgumentNullException.ThrowIfNull(logWeights);
        ArgumentNullException.ThrowIfNull(points);
        using var ng = no_grad();
        var d = particles.shape[2];
        var w = logWeights.exp().unsqueeze(-1); // [P, S, 1]
        var mean = (w * particles).sum([0]);
        var centred = particles - mean;
        var cov = (w.unsqueeze(-1) * centred.unsqueeze(-1) * centred.unsqueeze(-2)).sum([0]); // [S, D, D]
        var ess = (logWeights.logsumexp(0).Times(2) - logWeights.Times(2).logsumexp(0)).exp(); // [S]
        var h = ess.Pow(-1.0 / (d + 4));
        var l = linalg.cholesky((cov * h.Squared().reshape(-1, 1, 1)).Plus(eye(d, dtype: cov.dtype).Times(1e-12)));
        // One triangular solve per series for all particles at once.
        var diff = (points.unsqueeze(0) - particles).permute(1, 2, 0); // [S, D, P]
        var maha = linalg.solve_triangular(l, diff, upper: false).Squared().sum(1); // [S, P]
        var logDet = l.diagonal(0, -2, -1).log().sum(-1, keepdim: true); // [S, 1]
        var logK = (maha.Times(-0.5) - logDet).Minus(0.5 * d * Math.Log(2 * Math.PI));
        return logK.Plus(logWeights.T).logsumexp(-1);
    }
}
