using Ppl.Inference;
using Ppl.Inference.Amortized.Brain;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Brain;

/// <summary>
/// The estimator-variance toy T1 of papers.md 4.6: target N(0, 1), policy q_θ = N(θ, 1) with θ = 1,
/// proposal N(μ, 1). Each estimator's draw of ∇θ E_target[log q_θ] (true value −1) is
/// Σ_i c_i (y_i − θ) with c from <see cref="DistillationObjective.Coefficients"/>, so the toy exercises
/// exactly the code path the trainer uses.
/// </summary>
public static class GaussianEstimatorToy
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>
    /// <paramref name="repetitions"/> independent gradient draws, each from n proposal samples.
    /// </summary>
    /// <param name="options">The estimator.</param>
    /// <param name="proposalMean">μ of the proposal N(μ, 1).</param>
    /// <param name="samples">n, samples per draw.</param>
    /// <param name="repetitions">Number of independent draws.</param>
    /// <param name="rng">The random stream.</param>
    /// <param name="theta">θ of the policy N(θ, 1) (1 in the paper's table).</param>
    /// <param name="targetMean">Mean of the N(m, 1) target (0 in the paper's table).</param>
    /// <param name="storedProposalMean">
    /// The proposal mean the stored log q′ is computed with (default: the true μ). Another value
    /// simulates an offline store holding the wrong proposal density, a negative control for tests.
    /// </param>
    public static double[] GradientDraws(DistillationOptions options, double proposalMean, int samples, int repetitions, Rng rng,
        double theta = 1.0, double targetMean = 0.0, double? storedProposalMean = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, "Need at least one sample per draw.");
        if (repetitions < 1) throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "Need at least one repetition.");
        using var scope = NewDisposeScope();
        using var gen = rng.TorchGenerator();
        var y = randn(new long[] { repetitions, samples }, ScalarType.Float64, generator: gen).Plus(proposalMean);
        var batch = new SampleBatch(
            LogPrior: LogNormal(y, targetMean),
            LogProposal: LogNormal(y, storedProposalMean ?? proposalMean),
            LogGoodness: zeros_like(y),
            LogNormalizer: zeros(repetitions, ScalarType.Float64));
        var c = DistillationObjective.Coefficients(batch, LogNormal(y, theta), options);
        var g = (c * y.Minus(theta)).sum(1);
        return g.data<double>().ToArray();
    }

    /// <summary>The sample mean and variance of draws, with their standard errors (the variance's from the fourth central moment).</summary>
    public static DrawSummary Summarize(IReadOnlyList<double> draws)
    {
        ArgumentNullException.ThrowIfNull(draws);
        var n = draws.Count;
        if (n < 2) throw new ArgumentException("Need at least two draws.", nameof(draws));
        double mean = 0;
        foreach (var d in draws) mean += d;
        mean /= n;
        double m2 = 0, m4 = 0;
        foreach (var d in draws)
        {
            var e = (d - mean) * (d - mean);
            m2 += e;
            m4 += e * e;
        }
        var variance = m2 / (n - 1);
        m4 /= n;
        var varSe = Math.Sqrt(Math.Max(0, m4 - variance * variance) / n);
        return new DrawSummary(mean, variance, Math.Sqrt(variance / n), varSe);
    }

    /// <summary>
    /// The exact variance of one DPG draw (n samples, θ = 1, target N(0, 1), proposal N(μ, 1)):
    /// (e^{μ²}(1 + (1 + μ)²) − 1) / n, from Gaussian moment-generating functions.
    /// </summary>
    public static double ExactDpgVariance(double mu, int samples) =>
        (Math.Exp(mu * mu) * (1 + (1 + mu) * (1 + mu)) - 1) / samples;

    /// <summary>
    /// The exact variance of one GDC++ draw in the same setting:
    /// (e^{μ²}(1 + (1 + μ)²) − 2 e^{μ² − μ}(1 + μ²) + e^{(1 − μ)²}(1 + (1 − μ)²) − 1) / n.
    /// </summary>
    public static double ExactGdcVariance(double mu, int samples) =>
        (Math.Exp(mu * mu) * (1 + (1 + mu) * (1 + mu))
         - 2 * Math.Exp(mu * mu - mu) * (1 + mu * mu)
         + Math.Exp((1 - mu) * (1 - mu)) * (1 + (1 - mu) * (1 - mu)) - 1) / samples;

    private static Tensor LogNormal(Tensor y, double mean) => y.Minus(mean).Squared().Times(-0.5).Minus(HalfLog2Pi);
}

/// <summary>Mean and variance of estimator draws with their Monte Carlo standard errors.</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="Variance">Sample variance.</param>
/// <param name="MeanStandardError">Standard error of the mean.</param>
/// <param name="VarianceStandardError">Standard error of the variance.</param>
public readonly record struct DrawSummary(double Mean, double Variance, double MeanStandardError, double VarianceStandardError);
