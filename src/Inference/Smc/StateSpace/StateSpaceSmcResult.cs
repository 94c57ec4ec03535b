namespace Ppl.Inference.Smc;

/// <summary>The outcome of a typed particle filter run.</summary>
/// <typeparam name="TState">The latent state.</typeparam>
public sealed class StateSpaceSmcResult<TState>
{
    private readonly IReadOnlyList<int[]?> _ancestry;
    private int[]? _lineages;

    internal StateSpaceSmcResult(string algorithm, TState[] particles, double[] logWeights, double logEvidence,
        IReadOnlyList<SmcStep> steps, IReadOnlyList<int[]?> ancestry, TState[][]? paths)
    {
        Algorithm = algorithm;
        Particles = particles;
        LogWeights = logWeights;
        LogEvidence = logEvidence;
        Steps = steps;
        _ancestry = ancestry;
        Paths = paths;
    }

    /// <summary>A short description of the algorithm and its settings.</summary>
    public string Algorithm { get; }

    /// <summary>The final states x_T, one per particle.</summary>
    public IReadOnlyList<TState> Particles { get; }

    /// <summary>Their unnormalised log weights; log-sum-exp = <see cref="LogEvidence"/>.</summary>
    public IReadOnlyList<double> LogWeights { get; }

    /// <summary>log Ẑ; Ẑ is an unbiased estimate of p(y₁..y_T) for any number of particles.</summary>
    public double LogEvidence { get; }

    /// <summary>ESS, resampling, running log Ẑ and distinct parents per step.</summary>
    public IReadOnlyList<SmcStep> Steps { get; }

    /// <summary>Number of resampling events.</summary>
    public int ResamplingCount => Steps.Count(s => s.Resampled);

    /// <summary>Per step, the parent of each particle after that step's resampling (null where it did not resample).</summary>
    public IReadOnlyList<int[]?> Ancestry => _ancestry;

    /// <summary>With history kept: each final particle's whole path x₀..x_T.</summary>
    public IReadOnlyList<TState[]>? Paths { get; }

    /// <summary>Kish's ESS of the final weights.</summary>
    public double EffectiveSampleSize => SmcSummary.KishEss(LogWeights, LogEvidence);

    /// <summary>
    /// Path degeneracy: for each step s, how many particles alive at s are ancestors of the final population
    /// (N: no coalescence; 1: every final path shares its history up to s).
    /// </summary>
    public IReadOnlyList<int> SurvivingLineages => _lineages ??= SmcSummary.SurvivingLineages(_ancestry, Particles.Count);

    /// <summary>Σ wᵢ f(xᵢ): unbiased for Z·E[f(x_T) | y₁..y_T].</summary>
    public double WeightedSum(Func<TState, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0;
        for (var i = 0; i < Particles.Count; i++) s += Math.Exp(LogWeights[i]) * f(Particles[i]);
        return s;
    }

    /// <summary>The self-normalised estimate of E[f(x_T) | y₁..y_T].</summary>
    public double Mean(Func<TState, double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double s = 0, total = 0;
        for (var i = 0; i < Particles.Count; i++)
        {
            var w = Math.Exp(LogWeights[i] - LogEvidence);
            total += w;
            s += w * f(Particles[i]);
        }
        return s / total;
    }

    /// <summary>A printable summary: settings, log Ẑ, and one row per step (ESS, resampling, log Ẑ so far, unique parents, surviving lineages).</summary>
    public string Summary(int maxRows = 20) =>
        SmcSummary.Table(Algorithm, Particles.Count, LogEvidence, EffectiveSampleSize, Steps, SurvivingLineages, maxRows);

    /// <inheritdoc />
    public override string ToString() => Summary();
}
