using Ppl.Distributions.Tensors;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Programs;

/// <summary>
/// A Distribution Transformer's posterior for one problem of a traced program: a Gaussian mixture over
/// y = f(x), where x is the vector of the latent choices named by <see cref="Latents"/>. It is the
/// standalone fast posterior (draws and densities by address, means in closed form) and, through
/// <see cref="Proposal"/>, a generative function over the model's latent addresses for importance sampling.
/// Everything runs on doubles (K and D are small): one network pass made the mixture, and per-particle
/// draws and densities need no tensor operation, so they are cheap and safe to run in parallel.
/// </summary>
public sealed class DtPosterior
{
    private const double HalfLog2Pi = 0.91893853320467274178;
    private readonly double[] _logWeights;
    private readonly double[] _weights;
    private readonly double[][] _means;
    private readonly double[][] _trils; // row-major lower factors, D·D each
    private readonly double[] _halfLogDets;
    private readonly Dictionary<Address, int> _index;
    private DtProposal? _proposal;

    /// <summary>A posterior from the mixture's parameters over f(x).</summary>
    /// <param name="model">The model's name (for messages).</param>
    /// <param name="latents">The latents, in the order of the mixture's dimensions.</param>
    /// <param name="weights">The K weights (normalised here).</param>
    /// <param name="means">The K·D means, component by component.</param>
    /// <param name="scaleTrils">The K·D·D lower Cholesky factors, component by component, row-major.</param>
    public DtPosterior(string model, IReadOnlyList<DtLatent> latents, double[] weights, double[] means, double[] scaleTrils)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(latents);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentNullException.ThrowIfNull(scaleTrils);
        Model = model;
        Latents = [.. latents];
        var d = Latents.Count;
        var k = weights.Length;
        if (d == 0 || k == 0 || means.Length != k * d || scaleTrils.Length != k * d * d)
            throw new ArgumentException($"A {k}-component mixture over {d} latents needs {k * d} means and {k * d * d} factor entries; got {means.Length} and {scaleTrils.Length}.");
        var total = weights.Sum();
        if (!(total > 0) || weights.Any(w => !(w >= 0) || !double.IsFinite(w)))
            throw new ArgumentException("The mixture weights must be finite, non-negative and not all zero.", nameof(weights));
        _weights = [.. weights.Select(w => w / total)];
        _logWeights = [.. _weights.Select(w => Math.Log(w))];
        _means = new double[k][];
        _trils = new double[k][];
        _halfLogDets = new double[k];
        for (var c = 0; c < k; c++)
        {
            _means[c] = means[(c * d)..((c + 1) * d)];
            _trils[c] = scaleTrils[(c * d * d)..((c + 1) * d * d)];
            for (var i = 0; i < d; i++)
            {
                var l = _trils[c][i * d + i];
                if (!(l > 0) || !double.IsFinite(l)) throw new ArgumentException($"Component {c}'s Cholesky factor has diagonal entry {l} at {i}; it must be positive.", nameof(scaleTrils));
                _halfLogDets[c] += Math.Log(l);
                for (var j = i + 1; j < d; j++) _trils[c][i * d + j] = 0; // only the lower triangle is read
            }
        }
        _index = Latents.Select((l, i) => (l.Address, i)).ToDictionary(p => p.Address, p => p.i);
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }

    /// <summary>The latents, in the order of the mixture's dimensions.</summary>
    public IReadOnlyList<DtLatent> Latents { get; }

    /// <summary>The number of mixture components.</summary>
    public int Components => _weights.Length;

    /// <summary>The mixture over y = f(x) as a float64 <see cref="Gmm"/> (weights [K], means [K, D], factors [K, D, D]).</summary>
    public Gmm Mixture()
    {
        var d = Latents.Count;
        var k = Components;
        return new Gmm(tensor(_weights), tensor(_means.SelectMany(m => m).ToArray(), new long[] { k, d }), tensor(_trils.SelectMany(m => m).ToArray(), new long[] { k, d, d }));
    }

    /// <summary>
    /// This posterior as a generative function over the model's latent addresses (no arguments): its
    /// Simulate/Propose draw the latents from the mixture through the transform, its Assess is the density
    /// of x (the mixture's density of f(x) with the Jacobian). Pass it to
    /// <c>ImportanceSampling.Run(model, args, observations, proposal, Unit.Value, …)</c>.
    /// </summary>
    public IGenerativeFunction<Unit, Unit> Proposal => _proposal ??= new DtProposal(this);

    /// <summary>Draws the latents, by address.</summary>
    public ChoiceMap Sample(Rng rng) => ToChoices(Draw(rng, out _));

    /// <summary>
    /// log q(x) for the latents in <paramref name="choices"/> (other addresses are ignored): the mixture's log
    /// density of f(x) minus log |dx/dy|; −∞ outside the transform's domain.
    /// </summary>
    /// <exception cref="ModelException">A latent is missing or not a double.</exception>
    public double LogDensity(ChoiceMap choices) => LogDensityOf(Read(choices));

    /// <summary>The posterior mean of the latent at <paramref name="address"/>: closed form for the identity and log transforms, else 10⁵ draws on a fixed stream.</summary>
    public double Mean(Address address)
    {
        var j = IndexOf(address);
        var t = Latents[j].Transform;
        var d = Latents.Count;
        if (ReferenceEquals(t, Transformer.SampleSpaceTransform.Identity))
            return Enumerable.Range(0, Components).Sum(c => _weights[c] * _means[c][j]);
        if (ReferenceEquals(t, Transformer.SampleSpaceTransform.Log))
        {
            // E[exp(y_j)] under component c is exp(μ_j + Σ_jj / 2), with Σ_jj the squared norm of row j of L.
            return Enumerable.Range(0, Components).Sum(c =>
            {
                double v = 0;
                for (var i = 0; i <= j; i++) v += _trils[c][j * d + i] * _trils[c][j * d + i];
                return _weights[c] * Math.Exp(_means[c][j] + 0.5 * v);
            });
        }
        var rng = new Rng(1);
        double sum = 0;
        const int n = 100_000;
        for (var s = 0; s < n; s++) sum += Draw(rng, out _)[j];
        return sum / n;
    }

    /// <summary>∂ log q(x) / ∂x for the latents in <paramref name="choices"/>, in latent order.</summary>
    public double[] Gradient(ChoiceMap choices)
    {
        var x = Read(choices);
        var d = Latents.Count;
        var y = new double[d];
        for (var j = 0; j < d; j++) y[j] = Latents[j].Transform.Forward(x[j]);
        // ∇_y log Σ w_c N(y; μ_c, Σ_c) = Σ_c r_c · (−Σ_c⁻¹ (y − μ_c)), with responsibilities r_c.
        var logs = new double[Components];
        var grads = new double[Components][];
        for (var c = 0; c < Components; c++)
        {
            var z = Solve(c, y);
            logs[c] = _logWeights[c] + ComponentLog(c, z);
            grads[c] = SolveTransposed(c, z);
        }
        var max = logs.Max();
        var norm = logs.Sum(l => Math.Exp(l - max));
        var g = new double[d];
        for (var c = 0; c < Components; c++)
        {
            var r = Math.Exp(logs[c] - max) / norm;
            for (var j = 0; j < d; j++) g[j] -= r * grads[c][j];
        }
        // log q(x) = log q_y(f(x)) − Σ log|dx/dy|(y_j): both through dy/dx.
        for (var j = 0; j < d; j++)
        {
            var t = Latents[j].Transform;
            g[j] = (g[j] - t.LogAbsDetInverseJacobianDerivative(y[j])) * t.ForwardDerivative(x[j]);
        }
        return g;
    }

    internal double[] Draw(Rng rng, out double logDensity)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var d = Latents.Count;
        var c = rng.DrawIndex(_weights);
        var eps = new double[d];
        for (var i = 0; i < d; i++) eps[i] = rng.NextGaussian();
        var x = new double[d];
        var y = new double[d];
        for (var i = 0; i < d; i++)
        {
            var v = _means[c][i];
            for (var j = 0; j <= i; j++) v += _trils[c][i * d + j] * eps[j];
            y[i] = v;
            x[i] = Latents[i].Transform.Inverse(v);
        }
        logDensity = LogDensityOfTransformed(y) - Jacobian(y);
        return x;
    }

    internal double LogDensityOf(double[] x)
    {
        var d = Latents.Count;
        var y = new double[d];
        for (var j = 0; j < d; j++)
        {
            y[j] = Latents[j].Transform.Forward(x[j]);
            if (!double.IsFinite(y[j])) return double.NegativeInfinity;
        }
        return LogDensityOfTransformed(y) - Jacobian(y);
    }

    internal double[] Read(ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var x = new double[Latents.Count];
        for (var j = 0; j < x.Length; j++)
        {
            var a = Latents[j].Address;
            if (!choices.TryGetValue(a, out var value))
                throw new ModelException($"The Distribution Transformer's posterior for '{Model}' needs the latent at '{a}', which the choices lack.", a);
            x[j] = value is double v ? v : throw new ModelException($"The latent at '{a}' is a {value?.GetType().Name ?? "null"} ({value}); the Distribution Transformer's posterior for '{Model}' is over double choices.", a);
        }
        return x;
    }

    internal ChoiceMap ToChoices(double[] x)
    {
        var map = ChoiceMap.Empty;
        for (var j = 0; j < x.Length; j++) map = map.Set(Latents[j].Address, x[j]);
        return map;
    }

    internal int IndexOf(Address address) =>
        _index.TryGetValue(address, out var j) ? j : throw new UnknownAddressException("the Distribution Transformer's posterior", Model, address, _index.Keys);

    /// <summary>log Σ_c w_c N(y; μ_c, L_c L_cᵀ) by log-sum-exp.</summary>
    internal double LogDensityOfTransformed(double[] y)
    {
        var max = double.NegativeInfinity;
        var logs = new double[Components];
        for (var c = 0; c < Components; c++)
        {
            logs[c] = _logWeights[c] + ComponentLog(c, Solve(c, y));
            max = Math.Max(max, logs[c]);
        }
        if (double.IsNegativeInfinity(max)) return max;
        return max + Math.Log(logs.Sum(l => Math.Exp(l - max)));
    }

    private double Jacobian(double[] y)
    {
        double s = 0;
        for (var j = 0; j < y.Length; j++) s += Latents[j].Transform.LogAbsDetInverseJacobian(y[j]);
        return s;
    }

    private double ComponentLog(int c, double[] z)
    {
        double m = 0;
        foreach (var v in z) m += v * v;
        return -0.5 * m - _halfLogDets[c] - z.Length * HalfLog2Pi;
    }

    /// <summary>z = L_c⁻¹ (y − μ_c) by forward substitution.</summary>
    private double[] Solve(int c, double[] y)
    {
        var d = y.Length;
        var l = _trils[c];
        var z = new double[d];
        for (var i = 0; i < d; i++)
        {
            var v = y[i] - _means[c][i];
            for (var j = 0; j < i; j++) v -= l[i * d + j] * z[j];
            z[i] = v / l[i * d + i];
        }
        return z;
    }

    /// <summary>L_c⁻ᵀ z by back substitution (so L_c⁻ᵀ L_c⁻¹ (y − μ_c) = Σ_c⁻¹ (y − μ_c)).</summary>
    private double[] SolveTransposed(int c, double[] z)
    {
        var d = z.Length;
        var l = _trils[c];
        var u = new double[d];
        for (var i = d - 1; i >= 0; i--)
        {
            var v = z[i];
            for (var j = i + 1; j < d; j++) v -= l[j * d + i] * u[j];
            u[i] = v / l[i * d + i];
        }
        return u;
    }
}
