using Ppl.Inference.Diagnostics;

namespace Ppl.Inference;

/// <summary>
/// The one result every algorithm returns or converts to (<see cref="IPosteriorResult"/>): draws of named scalar
/// quantities (choices by address, derived quantities), each draw with a normalised weight (equal weights for MCMC
/// chains and for a resampled population) and the chain it belongs to, and the log evidence where the algorithm
/// estimates one. Means come with a Monte Carlo standard error that fits how the draws were made: the effective
/// sample size across chains (Vehtari et al. 2021, as <see cref="Summary"/> computes it) for chains, the delta method
/// of self-normalised importance sampling for weighted draws.
/// </summary>
public sealed class Posterior
{
    private readonly double[][] _values;
    private readonly Dictionary<string, int> _index;
    private Summary? _chainSummary;

    /// <summary>Creates a posterior from draws; use an algorithm's <c>ToPosterior()</c> rather than this.</summary>
    /// <param name="algorithm">What produced the draws, for display.</param>
    /// <param name="names">The quantities' names.</param>
    /// <param name="values">values[draw][quantity].</param>
    /// <param name="logWeights">A log weight per draw (any constant offset), or null for equal weights.</param>
    /// <param name="chains">The chain of each draw (0 … C − 1, draws of a chain in order), or null for one weighted population.</param>
    /// <param name="logEvidence">log Ẑ, or NaN when the algorithm gives none.</param>
    /// <param name="logEvidenceStandardError">Its standard error where known, else NaN.</param>
    public Posterior(string algorithm, IReadOnlyList<string> names, double[][] values, IReadOnlyList<double>? logWeights = null,
        IReadOnlyList<int>? chains = null, double logEvidence = double.NaN, double logEvidenceStandardError = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException($"A posterior from {algorithm} needs at least one draw.", nameof(values));
        for (var d = 0; d < values.Length; d++)
            if (values[d].Length != names.Count)
                throw new ArgumentException($"Draw {d} of {algorithm} has {values[d].Length} values for {names.Count} names.", nameof(values));
        if (logWeights is not null && logWeights.Count != values.Length)
            throw new ArgumentException($"{logWeights.Count} log weights for {values.Length} draws.", nameof(logWeights));
        if (chains is not null && chains.Count != values.Length)
            throw new ArgumentException($"{chains.Count} chain indices for {values.Length} draws.", nameof(chains));
        if (chains is not null && logWeights is not null)
            throw new ArgumentException("Draws come either from chains (equal weights) or from a weighted population, not both.");
        Algorithm = algorithm;
        Names = names;
        _values = values;
        _index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        Weights = Normalise(logWeights, values.Length, algorithm);
        ChainOf = chains;
        LogEvidence = logEvidence;
        LogEvidenceStandardError = logEvidenceStandardError;
    }

    /// <summary>What produced the draws.</summary>
    public string Algorithm { get; }

    /// <summary>The quantities' names (addresses as text, derived quantities by their names).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of draws.</summary>
    public int Count => _values.Length;

    /// <summary>Normalised weights of the draws (summing to 1; equal for chains).</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>The chain of each draw, or null for one weighted population.</summary>
    public IReadOnlyList<int>? ChainOf { get; }

    /// <summary>log Ẑ, or NaN when the algorithm gives no evidence estimate.</summary>
    public double LogEvidence { get; }

    /// <summary>The standard error of <see cref="LogEvidence"/> where known, else NaN.</summary>
    public double LogEvidenceStandardError { get; }

    /// <summary>The effective sample size: Kish's 1/Σw² for weighted draws, the smallest bulk ESS over the quantities for chains.</summary>
    public double EffectiveSampleSize => ChainOf is null ? 1 / Weights.Sum(w => w * w) : ChainSummary().MinEssBulk;

    /// <summary>The draws of one quantity, in draw order.</summary>
    public double[] Values(string name)
    {
        var k = IndexOf(name);
        return _values.Select(v => v[k]).ToArray();
    }

    /// <summary>The posterior mean of a quantity with its Monte Carlo standard error.</summary>
    public (double Mean, double StandardError) Mean(string name)
    {
        if (ChainOf is not null)
        {
            var row = ChainSummary()[name];
            return (row.Mean, row.McseMean);
        }
        var k = IndexOf(name);
        double mean = 0;
        for (var d = 0; d < Count; d++) mean += Weights[d] * _values[d][k];
        // Self-normalised importance sampling: Var ≈ Σ wᵢ² (fᵢ − mean)² with normalised weights (delta method).
        double variance = 0;
        for (var d = 0; d < Count; d++) variance += Weights[d] * Weights[d] * (_values[d][k] - mean) * (_values[d][k] - mean);
        return (mean, Math.Sqrt(variance));
    }

    /// <summary>The posterior mean of a function of a draw (values in <see cref="Names"/> order), without a standard error.</summary>
    public double Expectation(Func<double[], double> f)
    {
        ArgumentNullException.ThrowIfNull(f);
        double total = 0;
        for (var d = 0; d < Count; d++) total += Weights[d] * f(_values[d]);
        return total;
    }

    /// <summary>Mean, sd and quantiles of every quantity (weighted), with the sample size and log evidence.</summary>
    public PosteriorSummary Summarize()
    {
        var weights = Weights.ToArray();
        var rows = Names.Select(name =>
        {
            var values = Values(name);
            var (mean, _) = Mean(name);
            var variance = values.Select((v, d) => weights[d] * (v - mean) * (v - mean)).Sum();
            var q = SummaryExtensions.WeightedQuantiles(values, weights, 0.05, 0.5, 0.95);
            return new PosteriorRow(Address.Parse(name), mean, Math.Sqrt(variance), q[0], q[1], q[2], 1.0);
        }).ToList();
        return new PosteriorSummary(rows, Count, EffectiveSampleSize, LogEvidence);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Algorithm}: " + Summarize();

    /// <summary>
    /// log of the mean of exp(lᵢ) over independent draws, with its delta-method standard error sd(w)/(√n·mean w) (NaN for
    /// one draw): the log evidence of independent importance weights, or of the Ẑ of independent SMC runs.
    /// </summary>
    public static (double Estimate, double StandardError) LogMeanExp(IReadOnlyList<double> logValues)
    {
        ArgumentNullException.ThrowIfNull(logValues);
        if (logValues.Count == 0) throw new ArgumentException("No values to average.", nameof(logValues));
        var max = logValues.Max();
        var w = logValues.Select(l => Math.Exp(l - max)).ToArray();
        var mean = w.Average();
        var se = w.Length > 1 ? Math.Sqrt(w.Sum(x => (x - mean) * (x - mean)) / (w.Length - 1) / w.Length) / mean : double.NaN;
        return (max + Math.Log(mean), se);
    }

    private int IndexOf(string name) =>
        _index.TryGetValue(name, out var k)
            ? k
            : throw new KeyNotFoundException($"{Algorithm} reported no quantity '{name}'. Reported: {string.Join(", ", Names.Take(10))}{(Names.Count > 10 ? ", …" : "")}.");

    /// <summary>The chains' summary (R-hat, ESS, MCSE), computed once.</summary>
    private Summary ChainSummary()
    {
        if (_chainSummary is { } s) return s;
        var chainOf = ChainOf!;
        var chainCount = chainOf.Max() + 1;
        var draws = new double[Names.Count][][];
        for (var k = 0; k < Names.Count; k++)
        {
            var perChain = Enumerable.Range(0, chainCount).Select(_ => new List<double>()).ToArray();
            for (var d = 0; d < Count; d++) perChain[chainOf[d]].Add(_values[d][k]);
            draws[k] = perChain.Select(c => c.ToArray()).ToArray();
        }
        return _chainSummary = Summary.Of(Names, draws);
    }

    private static double[] Normalise(IReadOnlyList<double>? logWeights, int count, string algorithm)
    {
        if (logWeights is null) return Enumerable.Repeat(1.0 / count, count).ToArray();
        var max = logWeights.Max();
        if (double.IsNaN(max) || double.IsNegativeInfinity(max))
            throw new InferenceException($"Every draw of {algorithm} has weight zero (or a NaN weight): there is no posterior to report.");
        var w = logWeights.Select(l => Math.Exp(l - max)).ToArray();
        var total = w.Sum();
        for (var i = 0; i < w.Length; i++) w[i] /= total;
        return w;
    }
}
