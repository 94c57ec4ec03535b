using Ppl.Inference.Diagnostics;

namespace Ppl.Inference.Tests.Smc;

/// <summary>The exact posterior of the LGSSM's transition coefficient a on a three-point uniform prior (papers.md 1.6 S5), from Kalman likelihoods.</summary>
internal static class GridPosterior
{
    public static readonly double[] Grid = { 0.5, 0.7, 0.9 };

    /// <summary>T = 12 observations simulated with a = 0.7.</summary>
    public static readonly double[] Data = SmcModels.SimulateLgssm(12, 2, 0.7);

    public static double[] LogLikelihoods => Grid.Select(a => SmcModels.Kalman(Data, a).LogEvidence).ToArray();

    public static double[] Posterior
    {
        get
        {
            var l = LogLikelihoods;
            var max = l.Max();
            var w = l.Select(x => Math.Exp(x - max)).ToArray();
            return w.Select(x => x / w.Sum()).ToArray();
        }
    }

    /// <summary>log p(y) with a integrated out: log of the mean of the three likelihoods.</summary>
    public static double LogEvidence
    {
        get
        {
            var l = LogLikelihoods;
            var max = l.Max();
            return max + Math.Log(l.Average(x => Math.Exp(x - max)));
        }
    }

    /// <summary>A uniform proposal over the other two grid points: symmetric, so the log ratio is 0.</summary>
    public static (int, double) ProposeOther(int k, Rng rng) => ((k + 1 + rng.Next(2)) % Grid.Length, 0.0);

    /// <summary>
    /// Per grid point: the chains' frequency of it, its MCSE (from the indicator chains' ESS; 0 when the chains never
    /// or always visited it, where the ESS is undefined) and the number of draws.
    /// </summary>
    public static (double Mean, double Mcse, int Draws)[] Frequencies(IReadOnlyList<IReadOnlyList<int>> chains) =>
        Enumerable.Range(0, Grid.Length).Select(k =>
        {
            var ind = chains.Select(c => c.Select(v => v == k ? 1.0 : 0.0).ToArray()).ToArray();
            var mean = ind.SelectMany(c => c).Average();
            var mcse = mean is 0 or 1 ? 0 : ConvergenceDiagnostics.McseMean(ind);
            return (mean, mcse, ind.Sum(c => c.Length));
        }).ToArray();

    /// <summary>
    /// True when every frequency is within 5 standard errors of the exact posterior probability. The standard error is
    /// the chains' MCSE, floored at the independent-draws binomial error √(p(1 − p)/n) at the exact p: correlated
    /// draws are never more precise than independent ones, and a point the chains never left (or never visited) has
    /// no MCSE of its own.
    /// </summary>
    public static bool Matches((double Mean, double Mcse, int Draws)[] freq, double[] exact, out string report)
    {
        double Se((double Mean, double Mcse, int Draws) f, int k) => Math.Max(f.Mcse, Math.Sqrt(exact[k] * (1 - exact[k]) / f.Draws));
        report = string.Join("; ", freq.Select((f, k) => $"a={Grid[k]}: {f.Mean:F3} ± {Se(f, k):F3} vs {exact[k]:F3}"));
        return freq.Select((f, k) => Math.Abs(f.Mean - exact[k]) <= 5 * Se(f, k)).All(x => x);
    }
}
