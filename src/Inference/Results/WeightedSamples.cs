namespace Ppl.Inference;

/// <summary>
/// A properly weighted collection of traces, as importance sampling and SMC produce. Log weights are
/// kept unnormalised and scaled so that their mean is an unbiased estimate of the evidence Z (each
/// particle's weight is p/q; the average over particles estimates Z).
/// </summary>
/// <typeparam name="TTrace">The trace type.</typeparam>
public sealed class WeightedSamples<TTrace> : IPosteriorResult where TTrace : ITrace
{
    private readonly double[] _logWeights;
    private double[]? _normalized;

    /// <summary>Wraps traces and their log importance weights (log p/q).</summary>
    /// <exception cref="ArgumentException">Lengths differ, or a weight is NaN.</exception>
    /// <exception cref="InferenceException">Every weight is zero: the observations are impossible under every particle.</exception>
    public WeightedSamples(IReadOnlyList<TTrace> traces, IReadOnlyList<double> logWeights)
    {
        if (traces.Count != logWeights.Count)
            throw new ArgumentException($"{traces.Count} traces but {logWeights.Count} weights.");
        if (traces.Count == 0) throw new ArgumentException("No particles.");
        _logWeights = logWeights.ToArray();
        for (var i = 0; i < _logWeights.Length; i++)
            if (double.IsNaN(_logWeights[i]) || double.IsPositiveInfinity(_logWeights[i]))
                throw new ArgumentException($"Particle {i} has log weight {_logWeights[i]}.");
        Traces = traces;
        LogEvidence = MathUtil.LogSumExp(_logWeights) - Math.Log(_logWeights.Length);
        if (double.IsNegativeInfinity(LogEvidence))
            throw new InferenceException(
                $"All {traces.Count} particle weights are zero: the observations have zero density under every particle. Check the observations against the model's support, or use more particles or a better proposal.");
    }

    /// <summary>The particles.</summary>
    public IReadOnlyList<TTrace> Traces { get; }

    /// <summary>The log importance weights, unnormalised.</summary>
    public IReadOnlyList<double> LogWeights => _logWeights;

    /// <summary>Number of particles.</summary>
    public int Count => _logWeights.Length;

    /// <summary>log Ẑ = log( (1/N) Σ wᵢ ); Ẑ is unbiased for the evidence.</summary>
    public double LogEvidence { get; }

    /// <summary>The normalised weights (summing to one).</summary>
    public IReadOnlyList<double> NormalizedWeights => _normalized ??= Normalize();

    /// <summary>Kish's effective sample size (Σw)² / Σw².</summary>
    public double EffectiveSampleSize
    {
        get
        {
            double s2 = 0;
            foreach (var w in NormalizedWeights) s2 += w * w;
            return 1.0 / s2;
        }
    }

    /// <summary>The self-normalised estimate of E[f] under the posterior.</summary>
    public double Mean(Func<TTrace, double> f)
    {
        var w = NormalizedWeights;
        double s = 0;
        for (var i = 0; i < Count; i++) if (w[i] > 0) s += w[i] * f(Traces[i]);
        return s;
    }

    /// <summary>The self-normalised estimate of Var[f] under the posterior.</summary>
    public double Variance(Func<TTrace, double> f)
    {
        var m = Mean(f);
        return Mean(t => (f(t) - m) * (f(t) - m));
    }

    /// <summary>Draws <paramref name="count"/> traces with probability proportional to their weights (multinomial).</summary>
    public IReadOnlyList<TTrace> Resample(int count, Rng rng)
    {
        var w = NormalizedWeights.ToArray();
        var result = new TTrace[count];
        for (var i = 0; i < count; i++) result[i] = Traces[rng.DrawIndex(w)];
        return result;
    }

    private double[] Normalize()
    {
        var max = _logWeights.Max();
        var w = _logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var s = w.Sum();
        for (var i = 0; i < w.Length; i++) w[i] /= s;
        return w;
    }

    /// <summary>
    /// The weighted particles as a <see cref="Posterior"/>: every scalar choice (double, int, bool as 0/1) present in
    /// every trace, by address, with the particles' weights and the log evidence with its delta-method standard error
    /// sd(w)/(√N·mean w).
    /// </summary>
    public Posterior ToPosterior() => ToPosterior("weighted samples");

    /// <summary>
    /// As <see cref="ToPosterior()"/>, naming the algorithm that produced the particles. The delta-method standard error of
    /// log Ẑ holds for independent particles only (importance sampling), not for a population that was resampled.
    /// </summary>
    internal Posterior ToPosterior(string algorithm, bool independent = true)
    {
        var addresses = SummaryExtensions.ScalarAddressesInEvery(this);
        var values = Traces.Select(t => addresses.Select(a => SummaryExtensions.Scalar(t.Choices[a])).ToArray()).ToArray();
        var se = independent ? Posterior.LogMeanExp(_logWeights).StandardError : double.NaN;
        return new Posterior(algorithm, addresses.Select(a => a.ToString()).ToArray(), values, _logWeights, logEvidence: LogEvidence, logEvidenceStandardError: se);
    }
}
