using Ppl.Inference.Diagnostics;

namespace Ppl.Examples;

/// <summary>
/// A parameter's posterior mean and variance from MCMC draws next to their exact values, each with its Monte Carlo
/// standard error and effective sample size, for an example's JSON line (what <c>ReadmeTests</c> checks).
/// </summary>
internal static class MomentFigures
{
    /// <summary>
    /// The figures of <paramref name="chains"/>[chain][draw]: the mean with its MCSE and ESS, and the variance about
    /// the exact mean (the mean of (x − exact mean)², whose expectation is the exact variance) with its MCSE and ESS.
    /// </summary>
    public static Dictionary<string, double> Of(double[][] chains, double exactMean, double exactVariance)
    {
        var squares = chains.Select(c => c.Select(x => (x - exactMean) * (x - exactMean)).ToArray()).ToArray();
        return new Dictionary<string, double>
        {
            ["mean"] = chains.SelectMany(c => c).Average(),
            ["exact_mean"] = exactMean,
            ["mcse_mean"] = ConvergenceDiagnostics.McseMean(chains),
            ["ess_mean"] = ConvergenceDiagnostics.EssMean(chains),
            ["variance"] = squares.SelectMany(c => c).Average(),
            ["exact_variance"] = exactVariance,
            ["mcse_variance"] = ConvergenceDiagnostics.McseMean(squares),
            ["ess_variance"] = ConvergenceDiagnostics.EssMean(squares),
        };
    }
}
