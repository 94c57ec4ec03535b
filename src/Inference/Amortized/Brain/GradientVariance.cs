using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// How noisy a distillation estimator's minibatch gradient is: the total variance tr Cov[ĝ] (summed over every
/// parameter coordinate) of one minibatch gradient, the quantity behind papers.md 4.6's "lower gradient variance
/// than DPG". Each estimate pairs two independent minibatch gradients g, g′: ½‖g − g′‖² is unbiased for the total
/// variance, and independent pairs give its standard error without holding more than two gradients.
/// </summary>
public static class GradientVariance
{
    /// <summary>
    /// The total variance of the gradient of <paramref name="estimator"/> at <paramref name="family"/>'s current
    /// parameters, each minibatch one group of <paramref name="samplesPerPrompt"/> samples from
    /// <paramref name="proposal"/> for every prompt in <paramref name="prompts"/>, over <paramref name="pairs"/>
    /// independent pairs of minibatches. The family's gradients are zeroed before and after.
    /// </summary>
    /// <param name="target">Prior, reward and goodness.</param>
    /// <param name="family">The policy whose gradient is measured.</param>
    /// <param name="proposal">What draws each minibatch's samples.</param>
    /// <param name="prompts">The prompts of one minibatch.</param>
    /// <param name="estimator">Which member of the distillation family.</param>
    /// <param name="samplesPerPrompt">n.</param>
    /// <param name="pairs">Independent pairs of minibatches.</param>
    /// <param name="rng">The random stream.</param>
    /// <param name="logNormalizer">log Z per prompt (index into <paramref name="prompts"/>), for estimators that need it (DPG, GDC++).</param>
    /// <returns>The estimate and its standard error (0 with a single pair).</returns>
    public static (double Total, double StandardError) Estimate<TX, TY>(DistillationTarget<TX, TY> target, IAmortizedFamily<TX, TY> family,
        IConditionalModel<TX, TY> proposal, IReadOnlyList<TX> prompts, DistillationOptions estimator, int samplesPerPrompt, int pairs, Rng rng,
        Func<int, double>? logNormalizer = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentNullException.ThrowIfNull(rng);
        if (pairs < 1) throw new ArgumentOutOfRangeException(nameof(pairs), pairs, "Need at least one pair of minibatches.");
        if (estimator.NeedsLogNormalizer && logNormalizer is null)
            throw new ArgumentException($"Estimator '{estimator.Name}' uses normalised target weights: pass log Z per prompt.", nameof(logNormalizer));
        var indices = Enumerable.Range(0, prompts.Count).ToArray();
        var estimates = new double[pairs];
        for (var k = 0; k < pairs; k++)
        {
            using var scope = NewDisposeScope();
            var first = Gradient(target, family, proposal, prompts, indices, estimator, samplesPerPrompt, rng, logNormalizer);
            var second = Gradient(target, family, proposal, prompts, indices, estimator, samplesPerPrompt, rng, logNormalizer);
            estimates[k] = 0.5 * (first - second).square().sum().item<double>();
        }
        var mean = estimates.Average();
        var se = pairs > 1 ? Math.Sqrt(estimates.Sum(e => (e - mean) * (e - mean)) / (pairs - 1) / pairs) : 0.0;
        return (mean, se);
    }

    /// <summary>One minibatch gradient (−∇ loss, flattened over every parameter, float64 on the CPU).</summary>
    private static Tensor Gradient<TX, TY>(DistillationTarget<TX, TY> target, IAmortizedFamily<TX, TY> family, IConditionalModel<TX, TY> proposal,
        IReadOnlyList<TX> prompts, int[] indices, DistillationOptions estimator, int samplesPerPrompt, Rng rng, Func<int, double>? logNormalizer)
    {
        using var store = SampleStore<TX, TY>.Generate(target, proposal, prompts, indices, samplesPerPrompt, rng);
        var (ps, ys, batch) = store.Slice(0, prompts.Count);
        if (logNormalizer is not null) batch = batch with { LogNormalizer = tensor(indices.Select(logNormalizer).ToArray()) };
        var weights = DistillationObjective.LossWeights(batch, family.LogProb(ps, ys), estimator);
        foreach (var p in family.Parameters) p.grad?.zero_();
        family.AccumulateGradients(ps, ys, weights);
        var gradient = cat(family.Parameters.Select(p => (p.grad ?? zeros_like(p)).detach().flatten().to(CPU).to_type(ScalarType.Float64)).ToArray());
        foreach (var p in family.Parameters) p.grad?.zero_();
        return gradient;
    }
}
