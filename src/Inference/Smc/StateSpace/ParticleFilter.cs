namespace Ppl.Inference.Smc;

/// <summary>
/// The typed bootstrap particle filter, one step at a time: particles are a flat <typeparamref name="TState"/>
/// array with log weights in a <c>double</c> array; a step propagates, weights, and (when ESS is low) resamples
/// by gathering through an index array. Work runs in fixed-size chunks, in parallel, each with its own stream
/// split in chunk order, so results depend only on the seed. The weight sum (carried as a log offset plus
/// relative log weights) is the usual unbiased evidence estimate (papers.md 1.3): resampling gives every
/// offspring weight Ẑ/N.
/// <para>
/// With a reference path it is conditional SMC (Andrieu, Doucet and Holenstein 2010): particle 0 follows the
/// reference at every step and is its own parent; the other N − 1 are resampled multinomially from all N.
/// </para>
/// </summary>
/// <typeparam name="TModel">The model type; a struct gets a specialised, inlined loop.</typeparam>
/// <typeparam name="TState">The latent state.</typeparam>
public sealed class ParticleFilter<TModel, TState> where TModel : IStateSpaceModel<TState>
{
    // Not readonly: calling members of a readonly struct field would copy a non-readonly struct per call.
    private TModel _model;
    private TState[] _x;
    private TState[] _scratch;
    private readonly double[] _lw;
    private readonly double[] _w;
    private readonly int _n;
    private readonly int _chunks;
    private readonly double[] _chunkMax;
    private readonly double[] _chunkSum;
    private readonly double[] _chunkSumSq;
    private readonly int[] _marks;
    private readonly Rng _rng;
    private readonly StateSpaceSmcOptions _smc;
    private readonly RunOptions _options;
    private readonly TState[]? _reference;
    private readonly List<TState[]>? _history;
    private readonly List<int[]?> _ancestry;
    private readonly List<SmcStep> _steps;
    private double _base;
    private int _stamp;

    /// <summary>Draws N initial particles x₀ (time 0, weight 1/N each).</summary>
    /// <param name="model">The model.</param>
    /// <param name="particles">N ≥ 1 (≥ 2 with a reference path).</param>
    /// <param name="rng">The run's stream.</param>
    /// <param name="smc">Resampling, chunking and history settings.</param>
    /// <param name="options">Parallelism and cancellation.</param>
    /// <param name="reference">For conditional SMC: the path x₀..x_T that particle 0 keeps (resampling then happens at every step).</param>
    public ParticleFilter(TModel model, int particles, Rng rng, StateSpaceSmcOptions? smc = null, RunOptions? options = null, IReadOnlyList<TState>? reference = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, reference is null ? 1 : 2);
        _smc = smc ?? StateSpaceSmcOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_smc.ChunkSize, 1);
        if (reference is not null && reference.Count != model.Steps + 1)
            throw new ArgumentException($"The reference path has {reference.Count} states; the model has {model.Steps} steps, so it needs x₀..x_T = {model.Steps + 1}.", nameof(reference));
        _model = model;
        _n = particles;
        _rng = rng;
        _options = options ?? RunOptions.Default;
        _reference = reference?.ToArray();
        _x = new TState[particles];
        _scratch = new TState[particles];
        _lw = new double[particles];
        _w = new double[particles];
        _marks = new int[particles];
        _chunks = (particles + _smc.ChunkSize - 1) / _smc.ChunkSize;
        _chunkMax = new double[_chunks];
        _chunkSum = new double[_chunks];
        _chunkSumSq = new double[_chunks];
        _ancestry = new List<int[]?>(model.Steps);
        _steps = new List<SmcStep>(model.Steps);
        _base = -Math.Log(particles);
        ForChunks(static (self, lo, hi, r) =>
        {
            for (var i = lo; i < hi; i++) self._x[i] = self._model.Initial(r);
        });
        if (reference is not null) _x[0] = reference[0];
        if (_smc.KeepHistory || reference is not null) _history = new List<TState[]> { (TState[])_x.Clone() };
        LogEvidence = 0;
        EffectiveSampleSize = particles;
    }

    private ParticleFilter(ParticleFilter<TModel, TState> other, Rng rng)
    {
        _model = other._model;
        _n = other._n;
        _rng = rng;
        _smc = other._smc;
        _options = other._options;
        _reference = other._reference;
        _x = (TState[])other._x.Clone();
        _scratch = new TState[_n];
        _lw = (double[])other._lw.Clone();
        _w = new double[_n];
        _marks = new int[_n];
        _chunks = other._chunks;
        _chunkMax = new double[_chunks];
        _chunkSum = new double[_chunks];
        _chunkSumSq = new double[_chunks];
        _history = other._history?.ToList();
        _ancestry = other._ancestry.ToList();
        _steps = other._steps.ToList();
        _base = other._base;
        Time = other.Time;
        LogEvidence = other.LogEvidence;
        EffectiveSampleSize = other.EffectiveSampleSize;
    }

    /// <summary>The model.</summary>
    public TModel Model => _model;

    /// <summary>Number of particles.</summary>
    public int Count => _n;

    /// <summary>The last step taken (0 before the first).</summary>
    public int Time { get; private set; }

    /// <summary>True once every observation has been processed.</summary>
    public bool Finished => Time >= _model.Steps;

    /// <summary>log Ẑ of y₁..y_t (0 at time 0); Ẑ is unbiased for the evidence (not under a reference path).</summary>
    public double LogEvidence { get; private set; }

    /// <summary>Kish's ESS of the weights after the last step's weighting (before its resampling); N at time 0.</summary>
    public double EffectiveSampleSize { get; private set; }

    /// <summary>The current particles (after the last step's resampling, if any).</summary>
    public ReadOnlySpan<TState> Particles => _x;

    /// <summary>The current log weights, unnormalised: their log-sum-exp is <see cref="LogEvidence"/>.</summary>
    public double[] LogWeights()
    {
        var result = new double[_n];
        for (var i = 0; i < _n; i++) result[i] = _base + _lw[i];
        return result;
    }

    /// <summary>One record per step so far.</summary>
    public IReadOnlyList<SmcStep> Steps => _steps;

    /// <summary>Per step: the parent index of each particle after that step's resampling, or null where it did not resample.</summary>
    public IReadOnlyList<int[]?> Ancestry => _ancestry;

    /// <summary>An independent copy that continues with <paramref name="rng"/> (SMC² copies filters when it resamples parameters).</summary>
    public ParticleFilter<TModel, TState> Clone(Rng rng) => new(this, rng ?? throw new ArgumentNullException(nameof(rng)));

    /// <summary>Processes observation t = <see cref="Time"/> + 1: propagate, weight, maybe resample. Returns log p̂(yₜ | y₁..yₜ₋₁).</summary>
    public double Step()
    {
        if (Finished) throw new InvalidOperationException($"The filter has processed all {_model.Steps} observations.");
        _options.Cancellation.ThrowIfCancellationRequested();
        var t = ++Time;
        _propagateTime = t;
        ForChunks(static (self, lo, hi, r) =>
        {
            var time = self._propagateTime;
            var max = double.NegativeInfinity;
            var x = self._x;
            var lw = self._lw;
            for (var i = lo; i < hi; i++)
            {
                // A dead particle (weight 0) stays dead and is not propagated: its history no longer matters.
                if (double.IsNegativeInfinity(lw[i])) continue;
                // Under conditional SMC particle 0 follows the reference path instead of drawing.
                var s = i == 0 && self._reference is { } reference ? reference[time] : self._model.Transition(time, x[i], r);
                x[i] = s;
                var l = lw[i] + self._model.LogObservation(time, s);
                lw[i] = l;
                max = Math.Max(max, l); // NaN propagates, and is reported below
            }
            self._chunkMax[lo / self._smc.ChunkSize] = max;
        });
        var globalMax = double.NegativeInfinity;
        foreach (var m in _chunkMax) globalMax = Math.Max(globalMax, m);
        if (double.IsNaN(globalMax))
            throw new InferenceException($"LogObservation returned NaN at step {t} for some particle; it must return a log density or −∞.");
        if (double.IsNegativeInfinity(globalMax))
            throw new InferenceException(
                $"All {_n} particle weights are zero after step {t}: observation {t} has zero density under every particle. Check it against the model's support, or use more particles.");
        _propagateMax = globalMax;
        ForChunks(static (self, lo, hi, _) =>
        {
            var max = self._propagateMax;
            double s = 0, s2 = 0;
            for (var i = lo; i < hi; i++)
            {
                var w = Math.Exp(self._lw[i] - max);
                self._w[i] = w;
                s += w;
                s2 += w * w;
            }
            var c = lo / self._smc.ChunkSize;
            self._chunkSum[c] = s;
            self._chunkSumSq[c] = s2;
        }, needsRng: false);
        double sum = 0, sumSq = 0;
        for (var c = 0; c < _chunks; c++)
        {
            sum += _chunkSum[c];
            sumSq += _chunkSumSq[c];
        }
        var previous = LogEvidence;
        LogEvidence = _base + globalMax + Math.Log(sum);
        var ess = sum * sum / sumSq;
        EffectiveSampleSize = ess;
        _history?.Add((TState[])_x.Clone());
        var resample = _reference is not null || ess < _smc.EssThreshold * _n;
        var unique = _n;
        if (resample)
        {
            var inv = 1.0 / sum;
            for (var i = 0; i < _n; i++) _w[i] *= inv;
            var ancestors = new int[_n];
            if (_reference is null) _smc.Resampler.Ancestors(_w, ancestors, _rng);
            else
            {
                ancestors[0] = 0;
                Resamplers.Categorical(_w, ancestors.AsSpan(1), _rng);
            }
            for (var i = 0; i < _n; i++) _scratch[i] = _x[ancestors[i]];
            (_x, _scratch) = (_scratch, _x);
            Array.Clear(_lw);
            _base = LogEvidence - Math.Log(_n);
            _ancestry.Add(ancestors);
            unique = CountDistinct(ancestors);
        }
        else _ancestry.Add(null);
        _steps.Add(new SmcStep(t, ess, resample, LogEvidence, unique));
        return LogEvidence - previous;
    }

    /// <summary>Runs the remaining steps, reporting progress; returns log Ẑ.</summary>
    public double Finish()
    {
        while (!Finished)
        {
            Step();
            _options.Progress?.Report(new Progress(Time, _model.Steps));
        }
        return LogEvidence;
    }

    /// <summary>
    /// The path x₀..x_t of current particle <paramref name="index"/>, traced back through the ancestry.
    /// Needs <see cref="StateSpaceSmcOptions.KeepHistory"/> (or a reference path).
    /// </summary>
    public TState[] Path(int index)
    {
        if (_history is null) throw new InvalidOperationException("Paths need StateSpaceSmcOptions.KeepHistory = true.");
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _n);
        var path = new TState[Time + 1];
        var k = index;
        for (var t = Time; t >= 1; t--)
        {
            if (_ancestry[t - 1] is { } parents) k = parents[k];
            path[t] = _history[t][k];
        }
        path[0] = _history[0][k];
        return path;
    }

    /// <summary>One particle index drawn with probability proportional to its current weight.</summary>
    public int DrawIndex(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var w = new double[_n];
        var max = _lw.Max();
        for (var i = 0; i < _n; i++) w[i] = Math.Exp(_lw[i] - max);
        return rng.DrawIndex(w);
    }

    /// <summary>The result so far.</summary>
    public StateSpaceSmcResult<TState> Result(string algorithm) =>
        new(algorithm, _x.ToArray(), LogWeights(), LogEvidence, _steps.ToArray(), _ancestry.ToArray(),
            _history is null ? null : Enumerable.Range(0, _n).Select(Path).ToArray());

    private int _propagateTime;
    private double _propagateMax;

    private int CountDistinct(int[] ancestors)
    {
        var stamp = ++_stamp;
        var count = 0;
        foreach (var a in ancestors)
            if (_marks[a] != stamp)
            {
                _marks[a] = stamp;
                count++;
            }
        return count;
    }

    /// <summary>Runs body over chunks, in parallel where allowed; each chunk gets the next stream split from the run's stream.</summary>
    private void ForChunks(Action<ParticleFilter<TModel, TState>, int, int, Rng> body, bool needsRng = true)
    {
        var size = _smc.ChunkSize;
        if (_chunks == 1)
        {
            body(this, 0, _n, needsRng ? _rng.Split() : _rng);
            return;
        }
        var streams = needsRng ? _rng.Split(_chunks) : null;
        ParallelWork.For(_chunks, _options, WorkUnit.Chunk, c => body(this, c * size, Math.Min(_n, (c + 1) * size), streams?[c] ?? _rng));
    }
}
