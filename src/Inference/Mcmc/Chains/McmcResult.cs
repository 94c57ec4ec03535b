using System.Globalization;
using System.Text;
using Ppl.Inference.Diagnostics;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The kept draws of several chains: <c>Draws[chain][draw][parameter]</c> with parameter names, the
/// sampler statistics of each kept draw, and the wall time of warm-up and sampling.
/// </summary>
public sealed class McmcResult : IPosteriorResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="names">Parameter names.</param>
    /// <param name="draws">Draws[chain][draw][parameter].</param>
    /// <param name="stats">Sampler statistics per chain and kept draw.</param>
    /// <param name="logDensities">The log density at each kept draw.</param>
    /// <param name="warmupTime">Wall time of warm-up (slowest chain).</param>
    /// <param name="samplingTime">Wall time of sampling (slowest chain).</param>
    /// <param name="chainSamplingTimes">Sampling time of each chain (default: unknown, empty).</param>
    public McmcResult(IReadOnlyList<string> names, double[][][] draws, TransitionStats[][] stats, double[][] logDensities, TimeSpan warmupTime, TimeSpan samplingTime,
        IReadOnlyList<TimeSpan>? chainSamplingTimes = null)
    {
        ChainSamplingTimes = chainSamplingTimes ?? [];
        Names = names;
        Draws = draws;
        Stats = stats;
        LogDensities = logDensities;
        WarmupTime = warmupTime;
        SamplingTime = samplingTime;
    }

    /// <summary>Parameter names, one per column.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Draws[chain][draw][parameter].</summary>
    public double[][][] Draws { get; }

    /// <summary>Sampler statistics per chain and kept draw.</summary>
    public TransitionStats[][] Stats { get; }

    /// <summary>The log density (Stan's lp__) at each kept draw, [chain][draw].</summary>
    public double[][] LogDensities { get; }

    /// <summary>Wall time of warm-up (slowest chain).</summary>
    public TimeSpan WarmupTime { get; }

    /// <summary>Wall time of sampling after warm-up (slowest chain).</summary>
    public TimeSpan SamplingTime { get; }

    /// <summary>
    /// Sampling wall time of each chain (warm-up excluded); their sum is the single-core cost that Stan's
    /// <c>get_elapsed_time</c> reports. Empty when unknown.
    /// </summary>
    public IReadOnlyList<TimeSpan> ChainSamplingTimes { get; }

    /// <summary>Number of chains.</summary>
    public int Chains => Draws.Length;

    /// <summary>Kept draws per chain.</summary>
    public int DrawsPerChain => Draws[0].Length;

    /// <summary>Divergent transitions among the kept draws.</summary>
    public int Divergences => Stats.Sum(c => c.Count(s => s.Divergent));

    /// <summary>Mean acceptance statistic over kept draws.</summary>
    public double MeanAcceptStat => Stats.SelectMany(c => c).Average(s => s.AcceptStat);

    /// <summary>The draws of parameter <paramref name="index"/> as [chain][draw].</summary>
    public double[][] Parameter(int index) => Draws.Select(c => c.Select(d => d[index]).ToArray()).ToArray();

    /// <summary>The draws of the named parameter as [chain][draw].</summary>
    public double[][] Parameter(string name)
    {
        var i = Names.ToList().IndexOf(name);
        return i >= 0 ? Parameter(i) : throw new KeyNotFoundException($"No parameter '{name}'. Parameters: {string.Join(", ", Names)}.");
    }

    /// <summary>The summary table (mean, sd, quantiles, MCSE, ESS, R-hat) of every parameter.</summary>
    public Summary Summarize() => Summary.Of(Names, Enumerable.Range(0, Names.Count).Select(Parameter).ToArray());

    /// <summary>The Hamiltonian at each kept draw as [chain][draw] (NaN where the kernel has none, e.g. random-walk Metropolis).</summary>
    public double[][] Energy() => Stats.Select(c => c.Select(s => s.Energy).ToArray()).ToArray();

    /// <summary>The E-BFMI of each chain (<see cref="EnergyFraction"/>); NaN for chains without energies.</summary>
    public double[] Ebfmi() => EnergyFraction.PerChain(Energy());

    /// <summary>
    /// The summary table (<see cref="Summarize"/>) followed by a line with the number of chains and draws and, when
    /// sampler statistics were recorded, the number of divergent transitions.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Names.Count > 0 && Chains > 0 && DrawsPerChain > 0) sb.Append(Summarize().ToString());
        var draws = Chains > 0 ? DrawsPerChain : 0;
        sb.Append(CultureInfo.InvariantCulture, $"{Chains} chain{(Chains == 1 ? "" : "s")} × {draws} draw{(draws == 1 ? "" : "s")}");
        if (Stats.Any(c => c.Length > 0))
        {
            var divergences = Divergences;
            sb.Append(CultureInfo.InvariantCulture, $", {divergences} divergent transition{(divergences == 1 ? "" : "s")}");
        }
        return sb.ToString();
    }

    /// <summary>The chains' draws as a <see cref="Posterior"/> (equal weights, means with MCSE from the bulk ESS).</summary>
    public Posterior ToPosterior() => ToPosterior("MCMC");

    /// <summary>As <see cref="ToPosterior()"/>, naming the algorithm.</summary>
    public Posterior ToPosterior(string algorithm)
    {
        var values = Draws.SelectMany(chain => chain).ToArray();
        var chains = Draws.SelectMany((chain, c) => Enumerable.Repeat(c, chain.Length)).ToArray();
        return new Posterior(algorithm, Names, values, chains: chains);
    }
}
