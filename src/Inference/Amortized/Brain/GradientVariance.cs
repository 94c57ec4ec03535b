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
    /// <returns>The estimate, its standard error, and the per-pair estimates.</returns>
    public static GradientVarianceEstimate Estimate<TX, TY>(DistillationTarget<TX, TY> target, IAmortizedFamily<TX, TY> family,
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
            estimates[k] = 0.5 * (first - second).Squared().sum().item<double>();
        }
        return new GradientVarianceEstimate(estimates);
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
        // clone: with one parameter every step here can alias the gradient's storage, which is zeroed next.
        var gradient = cat(family.Parameters.Select(p => (p.grad ?? zeros_like(p)).detach().flatten().to(CPU).to_type(ScalarType.Float64)).ToArray()).clone();
        foreach (var p in family.Parameters) p.grad?.zero_();
        return gradient;
    }
}

/// <summary>
/// The paired estimates ½‖g − g′‖² of a gradient's total variance V (each unbiased for V, independent of each other).
/// </summary>
/// <param name="Pairs">One estimate per pair of minibatches.</param>
public sealed record GradientVarianceEstimate(IReadOnlyList<double> Pairs)
{
    /// <summary>The mean of the pair estimates: unbiased for V.</summary>
    public double Total => Pairs.Average();

    /// <summary>The standard error of <see cref="Total"/> (0 with a single pair).</summary>
    public double StandardError
    {
        get
        {
            if (Pairs.Count < 2) return 0.0;
            var mean = Total;
            return Math.Sqrt(Pairs.Sum(e => (e - mean) * (e - mean)) / (Pairs.Count - 1) / Pairs.Count);
        }
    }

    /// <summary>
    /// A lower confidence bound on V that holds however heavy the estimates' tail is (where DPG's exp(r / β) / Z weights
    /// make the mean's own standard error unreliable): V = ∫₀^∞ P(X &gt; c) dc for the non-negative pair estimates X, and
    /// by the Dvoretzky–Kiefer–Wolfowitz inequality the empirical survival function is within ε = √(ln(2/α) / 2K) of the
    /// true one at every c at once with probability 1 − α; integrating max(0, Ŝ(c) − ε) gives the bound. α is the
    /// two-sided tail of <paramref name="z"/> standard errors of a normal (5: α ≈ 5.7e-7).
    /// </summary>
    /// <param name="z">The confidence, in normal standard errors.</param>
    public double LowerBound(double z = 5)
    {
        if (!(z > 0)) throw new ArgumentOutOfRangeException(nameof(z), z, "The confidence must be positive.");
        var k = Pairs.Count;
        var alpha = MathNet.Numerics.SpecialFunctions.Erfc(z / Math.Sqrt(2));
        var epsilon = Math.Sqrt(Math.Log(2 / alpha) / (2.0 * k));
        var sorted = Pairs.Order().ToArray();
        double bound = 0, previous = 0;
        for (var i = 0; i < k; i++)
        {
            // On [x₍ᵢ₋₁₎, x₍ᵢ₎) the empirical survival function is (k − i) / k (0-based i).
            bound += (Math.Max(0.0, sorted[i]) - previous) * Math.Max(0.0, (k - i) / (double)k - epsilon);
            previous = Math.Max(previous, sorted[i]);
        }
        return bound;
    }
}
