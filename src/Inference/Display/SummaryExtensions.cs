using Ppl.Display;

namespace Ppl.Inference;

/// <summary>Posterior summaries and HTML renderings of weighted samples.</summary>
public static class SummaryExtensions
{
    /// <summary>How many particles are scanned to find the scalar choices when no addresses are given.</summary>
    private const int DiscoveryParticles = 64;

    /// <summary>
    /// Summarises the posterior of the given scalar choices (double, int, long or bool), or, with none
    /// given, of every scalar choice found in the first particles (so a choice only rare particles make
    /// may be missed: name it to be sure).
    /// </summary>
    public static PosteriorSummary Summarize<TTrace>(this WeightedSamples<TTrace> samples, params Address[] addresses)
        where TTrace : ITrace
    {
        var chosen = addresses.Length > 0 ? addresses : DiscoverScalarAddresses(samples);
        var rows = new List<PosteriorRow>(chosen.Count);
        foreach (var address in chosen)
        {
            var (values, weights, presence) = WeightedValues(samples, address);
            if (values.Length == 0)
            {
                rows.Add(new PosteriorRow(address, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, 0));
                continue;
            }
            double mean = 0;
            for (var i = 0; i < values.Length; i++) mean += weights[i] * values[i];
            double variance = 0;
            for (var i = 0; i < values.Length; i++) variance += weights[i] * (values[i] - mean) * (values[i] - mean);
            var q = WeightedQuantiles(values, weights, 0.05, 0.5, 0.95);
            rows.Add(new PosteriorRow(address, mean, Math.Sqrt(variance), q[0], q[1], q[2], presence));
        }
        return new PosteriorSummary(rows, samples.Count, samples.EffectiveSampleSize, samples.LogEvidence);
    }

    /// <summary>
    /// The values of a scalar choice across particles and their weights, renormalised over the particles
    /// that have the choice; <c>Presence</c> is the total weight of those particles.
    /// </summary>
    public static (double[] Values, double[] Weights, double Presence) WeightedValues<TTrace>(this WeightedSamples<TTrace> samples, Address address)
        where TTrace : ITrace
    {
        var w = samples.NormalizedWeights;
        var values = new List<double>(samples.Count);
        var weights = new List<double>(samples.Count);
        for (var i = 0; i < samples.Count; i++)
        {
            if (!samples.Traces[i].Choices.TryGetValue(address, out var v) || !TryScalar(v, out var x)) continue;
            values.Add(x);
            weights.Add(w[i]);
        }
        var presence = weights.Sum();
        var normalised = presence > 0 ? weights.Select(x => x / presence).ToArray() : weights.ToArray();
        return (values.ToArray(), normalised, presence);
    }

    /// <summary>The summary of every scalar choice as an HTML table fragment.</summary>
    public static string ToHtml<TTrace>(this WeightedSamples<TTrace> samples) where TTrace : ITrace => samples.Summarize().ToHtml();

    /// <summary>Weighted quantiles by the inverse of the weighted empirical CDF.</summary>
    internal static double[] WeightedQuantiles(double[] values, double[] weights, params double[] probabilities)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var result = new double[probabilities.Length];
        for (var p = 0; p < probabilities.Length; p++)
        {
            double cumulative = 0;
            result[p] = values[order[^1]];
            foreach (var i in order)
            {
                cumulative += weights[i];
                if (cumulative >= probabilities[p]) { result[p] = values[i]; break; }
            }
        }
        return result;
    }

    private static IReadOnlyList<Address> DiscoverScalarAddresses<TTrace>(WeightedSamples<TTrace> samples) where TTrace : ITrace
    {
        var seen = new List<Address>();
        var known = new HashSet<Address>();
        for (var i = 0; i < Math.Min(DiscoveryParticles, samples.Count); i++)
            foreach (var (address, value) in samples.Traces[i].Choices.Leaves)
                if (TryScalar(value, out _) && known.Add(address)) seen.Add(address);
        return seen;
    }

    /// <summary>The scalar choices (double, float, int, long, bool) present in every trace, in first-seen order.</summary>
    internal static IReadOnlyList<Address> ScalarAddressesInEvery<TTrace>(WeightedSamples<TTrace> samples) where TTrace : ITrace
    {
        var candidates = DiscoverScalarAddresses(samples);
        return candidates.Where(a => samples.Traces.All(t => t.Choices.TryGetValue(a, out var v) && TryScalar(v, out _))).ToList();
    }

    /// <summary>A scalar choice's value as a double (a bool as 0/1).</summary>
    internal static double Scalar(object? value) =>
        TryScalar(value, out var x) ? x : throw new ArgumentException($"{value?.GetType().Name ?? "null"} is not a scalar choice.");

    private static bool TryScalar(object? value, out double x)
    {
        switch (value)
        {
            case double d: x = d; return true;
            case float f: x = f; return true;
            case int i: x = i; return true;
            case long l: x = l; return true;
            case bool b: x = b ? 1 : 0; return true;
            default: x = double.NaN; return false;
        }
    }
}
