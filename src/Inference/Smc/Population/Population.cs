namespace Ppl.Inference.Smc;

/// <summary>
/// A weighted population of particles (papers.md 1.3, PopulationT). Weights are kept in log space and
/// are "average-style": <see cref="Spawn(int, Func{int, T})"/> gives each of n particles weight 1/n, so after any valid
/// operation the <em>sum</em> of the weights is an unbiased estimate of the evidence Z. Populations are
/// immutable; every operation returns a new one.
/// </summary>
/// <typeparam name="T">The particle type (for SMC, a paused trace).</typeparam>
public sealed class Population<T>
{
    private readonly T[] _particles;
    private readonly double[] _logWeights;

    /// <summary>Wraps particles and their log weights (the weights are taken as they are, not rescaled).</summary>
    /// <param name="particles">The particles.</param>
    /// <param name="logWeights">Their log weights; NaN and +∞ are rejected.</param>
    /// <param name="ancestors">For a population made by resampling, the index in the previous population of each particle's parent.</param>
    public Population(IReadOnlyList<T> particles, IReadOnlyList<double> logWeights, IReadOnlyList<int>? ancestors = null)
    {
        ArgumentNullException.ThrowIfNull(particles);
        ArgumentNullException.ThrowIfNull(logWeights);
        if (particles.Count != logWeights.Count) throw new ArgumentException($"{particles.Count} particles but {logWeights.Count} weights.");
        if (particles.Count == 0) throw new ArgumentException("A population needs at least one particle.");
        _particles = particles.ToArray();
        _logWeights = logWeights.ToArray();
        for (var i = 0; i < _logWeights.Length; i++)
            if (double.IsNaN(_logWeights[i]) || double.IsPositiveInfinity(_logWeights[i]))
                throw new ArgumentException($"Particle {i} has log weight {_logWeights[i]}.");
        if (ancestors is not null && ancestors.Count != particles.Count) throw new ArgumentException("One ancestor index per particle is needed.");
        Ancestors = ancestors?.ToArray();
        LogEvidence = MathUtil.LogSumExp(_logWeights);
    }

    /// <summary><paramref name="count"/> particles made by <paramref name="make"/>, each with weight 1/count.</summary>
    public static Population<T> Spawn(int count, Func<int, T> make)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentNullException.ThrowIfNull(make);
        var particles = new T[count];
        for (var i = 0; i < count; i++) particles[i] = make(i);
        var lw = -Math.Log(count);
        return new Population<T>(particles, Enumerable.Repeat(lw, count).ToArray());
    }

    /// <summary>The particles.</summary>
    public IReadOnlyList<T> Particles => _particles;

    /// <summary>The log weights (unnormalised; their log-sum-exp is <see cref="LogEvidence"/>).</summary>
    public IReadOnlyList<double> LogWeights => _logWeights;

    /// <summary>For a population made by resampling: the parent index of each particle; otherwise null.</summary>
    public IReadOnlyList<int>? Ancestors { get; }

    /// <summary>Number of particles.</summary>
    public int Count => _particles.Length;

    /// <summary>log Ẑ = log Σ wᵢ (−∞ when every weight is zero).</summary>
    public double LogEvidence { get; }

    /// <summary>Ẑ = Σ wᵢ.</summary>
    public double Evidence => Math.Exp(LogEvidence);

    /// <summary>The weights normalised to sum to one (uniform when every weight is zero).</summary>
    public double[] NormalizedWeights()
    {
        var w = new double[Count];
        if (double.IsNegativeInfinity(LogEvidence))
        {
            Array.Fill(w, 1.0 / Count);
            return w;
        }
        for (var i = 0; i < w.Length; i++) w[i] = Math.Exp(_logWeights[i] - LogEvidence);
        return w;
    }

    /// <summary>Kish's effective sample size (Σw)²/Σw², in [1, N]; 0 when every weight is zero.</summary>
    public double EffectiveSampleSize
    {
        get
        {
            if (double.IsNegativeInfinity(LogEvidence)) return 0;
            double s2 = 0;
            foreach (var lw in _logWeights)
            {
                var w = Math.Exp(lw - LogEvidence);
                s2 += w * w;
            }
            return 1.0 / s2;
        }
    }

    /// <summary>popAvg: the unnormalised sum Σ wᵢ f(xᵢ), an unbiased estimate of Z·E_π[f].</summary>
    public double WeightedSum(Func<T, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Count; i++)
            if (!double.IsNegativeInfinity(_logWeights[i])) s += Math.Exp(_logWeights[i]) * f(_particles[i]);
        return s;
    }

    /// <summary>The self-normalised estimate Σ wᵢ f(xᵢ) / Σ wᵢ of the posterior mean of f.</summary>
    public double Mean(Func<T, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        var w = NormalizedWeights();
        double s = 0;
        for (var i = 0; i < Count; i++) if (w[i] > 0) s += w[i] * f(_particles[i]);
        return s;
    }

    /// <summary>The same weights with each particle transformed (a deterministic map preserves validity).</summary>
    public Population<TOut> Select<TOut>(Func<T, TOut> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new Population<TOut>(_particles.Select(f).ToArray(), _logWeights, Ancestors);
    }

    /// <summary>
    /// Splits every particle into <paramref name="copies"/> copies of weight w/copies (spawn inside a
    /// population): the total weight, hence the measure, is unchanged.
    /// </summary>
    public Population<T> Spawn(int copies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        var lc = Math.Log(copies);
        var particles = new T[Count * copies];
        var lw = new double[Count * copies];
        var anc = new int[Count * copies];
        for (var i = 0; i < Count; i++)
            for (var c = 0; c < copies; c++)
            {
                particles[i * copies + c] = _particles[i];
                lw[i * copies + c] = _logWeights[i] - lc;
                anc[i * copies + c] = i;
            }
        return new Population<T>(particles, lw, anc);
    }

    /// <summary>A population with the same particles and new log weights (no ancestry: the parents are the particles themselves).</summary>
    public Population<T> WithLogWeights(IReadOnlyList<double> logWeights) => new(_particles, logWeights);
}
