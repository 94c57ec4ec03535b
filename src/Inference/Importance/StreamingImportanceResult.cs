using System.Globalization;
using System.Text;

namespace Ppl.Inference.Importance;

/// <summary>
/// The estimates of a streaming importance-sampling run: the log evidence with its standard error, the effective
/// sample size, the requested posterior means with their Monte Carlo standard errors, and the reservoir of traces.
/// </summary>
/// <typeparam name="TArgs">The model's arguments.</typeparam>
/// <typeparam name="TRet">The model's return type.</typeparam>
public sealed class StreamingImportanceResult<TArgs, TRet>
{
    internal StreamingImportanceResult(long particles, double logEvidence, double logEvidenceSe, double ess, IReadOnlyList<string> names,
        IReadOnlyList<double> means, IReadOnlyList<double> standardErrors, IReadOnlyList<ITrace<TArgs, TRet>> reservoir, IReadOnlyList<double> reservoirLogWeights)
    {
        Particles = particles;
        LogEvidence = logEvidence;
        LogEvidenceStandardError = logEvidenceSe;
        EffectiveSampleSize = ess;
        Names = names;
        Means = means;
        StandardErrors = standardErrors;
        Reservoir = reservoir;
        ReservoirLogWeights = reservoirLogWeights;
    }

    /// <summary>Number of particles drawn.</summary>
    public long Particles { get; }

    /// <summary>log of the mean importance weight: an estimate of log p(observations) whose exponential is unbiased.</summary>
    public double LogEvidence { get; }

    /// <summary>Standard error of <see cref="LogEvidence"/> (delta method: the relative standard error of the mean weight).</summary>
    public double LogEvidenceStandardError { get; }

    /// <summary>Kish's effective sample size (Σw)² / Σw².</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>Names of the estimated means: the requested addresses, then the requested statistics.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Self-normalised estimates of the posterior means, in <see cref="Names"/> order.</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>Their Monte Carlo standard errors (delta method).</summary>
    public IReadOnlyList<double> StandardErrors { get; }

    /// <summary>Traces drawn uniformly from all particles, as many as requested (weigh them by <see cref="ReservoirLogWeights"/>).</summary>
    public IReadOnlyList<ITrace<TArgs, TRet>> Reservoir { get; }

    /// <summary>The log importance weights of the reservoir's traces.</summary>
    public IReadOnlyList<double> ReservoirLogWeights { get; }

    /// <summary>The estimated posterior mean named <paramref name="name"/> (an address as text or a statistic's name).</summary>
    public double Mean(string name) => Means[IndexOf(name)];

    /// <summary>The standard error of the mean named <paramref name="name"/>.</summary>
    public double StandardError(string name) => StandardErrors[IndexOf(name)];

    private int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
            if (Names[i] == name) return i;
        throw new KeyNotFoundException($"No estimate named '{name}'; the run estimated: {string.Join(", ", Names)}.");
    }

    /// <summary>A short report: particles, log evidence, ESS and the means with their standard errors.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"importance sampling, {Particles} particles (streamed): log evidence {LogEvidence:G6} ± {LogEvidenceStandardError:G2}, ESS {EffectiveSampleSize:F1}");
        for (var i = 0; i < Names.Count; i++) sb.AppendLine(CultureInfo.InvariantCulture, $"  {Names[i]}: {Means[i]:G6} ± {StandardErrors[i]:G2}");
        return sb.ToString().TrimEnd();
    }
}
