namespace Ppl.Inference.Smc;

/// <summary>
/// The outcome of an SMC run: the final weighted particles (whose weights sum to Ẑ), the log evidence,
/// what happened at each pause, and the genealogy of the particles for path-degeneracy diagnostics.
/// </summary>
public sealed class SmcResult<TArgs, TRet> : IPosteriorResult
{
    private readonly IGenerativeFunction<TArgs, TRet> _model;
    private readonly TArgs _args;
    private readonly IReadOnlyList<int[]?> _ancestry;
    private readonly ChoiceMap _observations;
    private WeightedSamples<ITrace<TArgs, TRet>>? _samples;

    /// <remarks>
    /// <paramref name="observations"/> are the values given for Sample sites: a paused particle holds them as observations,
    /// not choices, so the model's traces in <see cref="Samples"/> are rebuilt with them.
    /// </remarks>
    internal SmcResult(IGenerativeFunction<TArgs, TRet> model, TArgs args, string algorithm,
        Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> population, IReadOnlyList<SmcStep> steps, IReadOnlyList<int[]?> ancestry,
        ChoiceMap? observations = null)
    {
        _model = model;
        _observations = observations ?? ChoiceMap.Empty;
        _args = args;
        Algorithm = algorithm;
        Population = population;
        Steps = steps;
        _ancestry = ancestry;
    }

    /// <summary>A short description of the algorithm and its settings.</summary>
    public string Algorithm { get; }

    /// <summary>The final population of finished paused-model traces; Σ weights = Ẑ.</summary>
    public Population<ITrace<(TArgs Args, int Pauses), Paused<TRet>>> Population { get; }

    /// <summary>log Ẑ; Ẑ is an unbiased estimate of the evidence for any number of particles.</summary>
    public double LogEvidence => Population.LogEvidence;

    /// <summary>One record per pause.</summary>
    public IReadOnlyList<SmcStep> Steps { get; }

    /// <summary>Number of resampling events.</summary>
    public int ResamplingCount => Steps.Count(s => s.Resampled);

    /// <summary>The final particles' return values.</summary>
    public IReadOnlyList<TRet> Returns => Population.Particles.Select(t => t.Return.Return!).ToArray();

    /// <summary>ESS of the final weights.</summary>
    public double EffectiveSampleSize => Population.EffectiveSampleSize;

    /// <summary>The self-normalised posterior mean of f of the final particles' traces.</summary>
    public double Mean(Func<ITrace<(TArgs Args, int Pauses), Paused<TRet>>, double> f) => Population.Mean(f);

    /// <summary>
    /// Path degeneracy: for each pause s, how many distinct particles alive at pause s are ancestors of
    /// the final population (N means no coalescence; 1 means every final path shares its history up to s).
    /// </summary>
    public IReadOnlyList<int> SurvivingLineages => SmcSummary.SurvivingLineages(_ancestry, Population.Count);

    /// <summary>
    /// The final particles as traces of the original model with their SMC weights, scaled so that
    /// <see cref="WeightedSamples{TTrace}.LogEvidence"/> equals <see cref="LogEvidence"/>. The traces are rebuilt
    /// once by Generate with every choice constrained.
    /// </summary>
    public WeightedSamples<ITrace<TArgs, TRet>> Samples => _samples ??= BuildSamples();

    private WeightedSamples<ITrace<TArgs, TRet>> BuildSamples()
    {
        var n = Population.Count;
        var traces = new ITrace<TArgs, TRet>[n];
        var cache = new Dictionary<ITrace, ITrace<TArgs, TRet>>(ReferenceEqualityComparer.Instance);
        var rng = new Rng(0); // every choice is constrained, so nothing is drawn
        for (var i = 0; i < n; i++)
        {
            var p = Population.Particles[i];
            // The observed Sample sites are not among a paused particle's choices: without them Generate would draw them.
            if (!cache.TryGetValue(p, out var t))
                cache[p] = t = _model.Generate(_args, _observations.IsEmpty ? p.Choices : p.Choices.Merge(_observations), rng).Trace;
            traces[i] = t;
        }
        var logN = Math.Log(n);
        return new WeightedSamples<ITrace<TArgs, TRet>>(traces, Population.LogWeights.Select(w => w + logN).ToArray());
    }

    /// <summary>
    /// The final particles as a <see cref="Posterior"/> (scalar choices by address, SMC weights, log Ẑ). A single run
    /// gives no standard error of log Ẑ: its particles are not independent; repeat the run for one.
    /// </summary>
    public Posterior ToPosterior() => Samples.ToPosterior(Algorithm, independent: false);

    /// <summary>A printable summary: the settings, log Ẑ, and one row per pause (ESS, resampling, log Ẑ so far, lineages).</summary>
    public string Summary(int maxRows = 20) =>
        SmcSummary.Table(Algorithm, Population.Count, LogEvidence, EffectiveSampleSize, Steps, SurvivingLineages, maxRows);

    /// <inheritdoc />
    public override string ToString() => Summary();
}
