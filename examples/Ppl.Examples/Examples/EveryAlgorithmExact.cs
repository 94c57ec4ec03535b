namespace Ppl.Examples;

/// <summary>
/// The exact posterior of <see cref="EveryAlgorithmModels.Switch"/>: enumeration over s and, given s, the conjugate
/// normal update of μ. log Z_s comes from Bayes' rule at μ = 0: p(y | s) = p(y | μ, s)·p(μ) / p(μ | y, s).
/// </summary>
public sealed record EveryAlgorithmExact(double LogEvidence, double PosteriorMeanMu, double ProbabilityShifted)
{
    /// <summary>The exact answers for data <paramref name="ys"/>.</summary>
    public static EveryAlgorithmExact For(double[] ys)
    {
        ArgumentNullException.ThrowIfNull(ys);
        var n = ys.Length;
        var logZ = new double[2];
        var means = new double[2];
        for (var s = 0; s < 2; s++)
        {
            var offset = s * EveryAlgorithmModels.Shift;
            var precision = 1.0 + n;
            var mean = ys.Sum(y => y - offset) / precision;
            var logLikelihoodAtZero = ys.Sum(y => LogNormal(y, offset, 1));
            logZ[s] = Math.Log(0.5) + logLikelihoodAtZero + LogNormal(0, 0, 1) - LogNormal(0, mean, Math.Sqrt(1 / precision));
            means[s] = mean;
        }
        var max = Math.Max(logZ[0], logZ[1]);
        var total = max + Math.Log(Math.Exp(logZ[0] - max) + Math.Exp(logZ[1] - max));
        var p1 = Math.Exp(logZ[1] - total);
        return new EveryAlgorithmExact(total, (1 - p1) * means[0] + p1 * means[1], p1);
    }

    private static double LogNormal(double x, double mean, double sd) =>
        -0.5 * Math.Log(2 * Math.PI) - Math.Log(sd) - 0.5 * (x - mean) * (x - mean) / (sd * sd);
}
