using Ppl.Inference;
using Ppl.Inference.Amortized.Brain;
using static TorchSharp.torch;

namespace Ppl.Examples.Tasks.Brain;

/// <summary>Settings of <see cref="ToySequenceTask"/> (papers.md 4.6 T2 by default).</summary>
public sealed record ToySequenceTaskOptions
{
    /// <summary>Number of prompts.</summary>
    public int Prompts { get; init; } = 8;

    /// <summary>Vocabulary size.</summary>
    public int Vocabulary { get; init; } = 5;

    /// <summary>Sequence length.</summary>
    public int Length { get; init; } = 5;

    /// <summary>Hidden width of the prior and policy.</summary>
    public int Hidden { get; init; } = 64;

    /// <summary>Scale of the prior's initial output weights (a peakier prior for larger values).</summary>
    public double PriorLogitScale { get; init; } = 1.5;

    /// <summary>β of the Bradley–Terry goodness exp(r / β).</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>Synthetic preference pairs for the reward model.</summary>
    public int PreferencePairs { get; init; } = 20_000;

    /// <summary>Reward-model training settings.</summary>
    public RewardTrainingOptions RewardTraining { get; init; } = new();
}

/// <summary>Exact metrics of a policy on the toy task, averaged over prompts.</summary>
/// <param name="ForwardKl">KL(π* ‖ q) in nats.</param>
/// <param name="ReverseKl">KL(q ‖ π*) in nats.</param>
/// <param name="ExpectedTrueReward">E_q[r*].</param>
/// <param name="WinRate">P(r*(y) &gt; r*(y′)) + ½ P(tie), y ~ q, y′ ~ prior.</param>
public readonly record struct ToyMetrics(double ForwardKl, double ReverseKl, double ExpectedTrueReward, double WinRate);

/// <summary>
/// T2 of papers.md 4.6: a tiny autoregressive "language model" prior over V^L token sequences for P
/// prompts, a ground-truth reward r* (a prompt-specific target-token count plus a bigram bonus), a
/// reward model fitted by Bradley–Terry to synthetic preferences labelled by σ(r* − r*′), and the target
/// π* ∝ p exp(r / β) computed exactly by enumerating all V^L sequences, so that every metric is exact.
/// </summary>
public sealed class ToySequenceTask
{
    private readonly double[,] _trueReward; // [P, S]

    private ToySequenceTask(ToySequenceTaskOptions options, TokenSequenceModel prior, TokenRewardModel reward, RewardTrainingResult fit)
    {
        Options = options;
        Prior = prior;
        RewardModel = reward;
        RewardFit = fit;
        var s = (int)Math.Pow(options.Vocabulary, options.Length);
        var seqs = new long[s * options.Length];
        for (var i = 0; i < s; i++)
        {
            var v = i;
            for (var t = options.Length - 1; t >= 0; t--) { seqs[i * options.Length + t] = v % options.Vocabulary; v /= options.Vocabulary; }
        }
        AllSequences = tensor(seqs).view(s, options.Length).DetachFromDisposeScope();
        _trueReward = new double[options.Prompts, s];
        var y = new int[options.Length];
        for (var x = 0; x < options.Prompts; x++)
            for (var i = 0; i < s; i++)
            {
                for (var t = 0; t < options.Length; t++) y[t] = (int)seqs[i * options.Length + t];
                _trueReward[x, i] = TrueReward(x, y, options.Vocabulary);
            }
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (xs, ys) = Everything();
        var logP = prior.SequenceLogProb(xs, ys).view(options.Prompts, s);
        var r = reward.ScoreTensors(xs, ys).view(options.Prompts, s);
        var joint = logP.Plus(r.Over(options.Beta));
        LogNormalizer = joint.logsumexp(1).DetachFromDisposeScope();
        LogTarget = (joint - LogNormalizer.unsqueeze(1)).DetachFromDisposeScope();
        Target = new DistillationTarget<int, int[]>(prior.Snapshot(), reward, new BradleyTerryGoodness(options.Beta));
        PriorMetrics = Evaluate(prior);
        TargetMetrics = EvaluateLogProbs(LogTarget);
    }

    /// <summary>Builds the task: a random prior, synthetic preferences, a fitted reward model, the exact target.</summary>
    public static ToySequenceTask Create(ToySequenceTaskOptions? options, Rng rng, RunOptions? run = null)
    {
        options ??= new ToySequenceTaskOptions();
        ArgumentNullException.ThrowIfNull(rng);
        var prior = new TokenSequenceModel(options.Prompts, options.Vocabulary, options.Length, options.Hidden, rng.Split(), options.PriorLogitScale);
        foreach (var p in prior.Parameters) p.requires_grad_(false);
        // Synthetic preferences: two prior samples per prompt, the winner drawn with probability σ(r* − r*′).
        var pairRng = rng.Split();
        var perPrompt = (options.PreferencePairs + options.Prompts - 1) / options.Prompts;
        var prompts = Enumerable.Range(0, options.Prompts).ToArray();
        var a = prior.Sample(prompts, perPrompt, pairRng);
        var b = prior.Sample(prompts, perPrompt, pairRng);
        var pairs = new List<PreferencePair<int, int[]>>(options.PreferencePairs);
        for (var i = 0; i < a.Length && pairs.Count < options.PreferencePairs; i++)
        {
            var x = i / perPrompt;
            var pa = 1 / (1 + Math.Exp(-(TrueReward(x, a[i], options.Vocabulary) - TrueReward(x, b[i], options.Vocabulary))));
            pairs.Add(pairRng.NextDouble() < pa ? new(x, a[i], b[i]) : new(x, b[i], a[i]));
        }
        var reward = new TokenRewardModel(options.Prompts, options.Vocabulary);
        var fit = RewardModelTrainer.Train(reward, pairs, options.RewardTraining, run);
        foreach (var p in reward.Parameters) p.requires_grad_(false);
        return new ToySequenceTask(options, prior, reward, fit);
    }

    /// <summary>The ground-truth reward r*(x, y): 0.3 per occurrence of the prompt's token (x mod V) plus 0.2 per ascending bigram (a, a + 1 mod V).</summary>
    public static double TrueReward(int prompt, IReadOnlyList<int> tokens, int vocabulary = 5)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var target = prompt % vocabulary;
        double r = 0;
        for (var t = 0; t < tokens.Count; t++)
        {
            if (tokens[t] == target) r += 0.3;
            if (t > 0 && tokens[t] == (tokens[t - 1] + 1) % vocabulary) r += 0.2;
        }
        return r;
    }

    /// <summary>The settings.</summary>
    public ToySequenceTaskOptions Options { get; }

    /// <summary>The frozen prior p(y | x) (the "SFT model").</summary>
    public TokenSequenceModel Prior { get; }

    /// <summary>The fitted reward model r.</summary>
    public TokenRewardModel RewardModel { get; }

    /// <summary>How well the reward model fits its preference pairs.</summary>
    public RewardTrainingResult RewardFit { get; }

    /// <summary>Prior × Bradley–Terry goodness of the fitted reward.</summary>
    public DistillationTarget<int, int[]> Target { get; }

    /// <summary>Every sequence, [V^L, L] int64.</summary>
    public Tensor AllSequences { get; }

    /// <summary>log π*(y | x) for every prompt and sequence, [P, V^L], by enumeration.</summary>
    public Tensor LogTarget { get; }

    /// <summary>log Z(x) = log Σ_y p(y | x) exp(r(x, y) / β), [P].</summary>
    public Tensor LogNormalizer { get; }

    /// <summary>The prompts 0 … P − 1.</summary>
    public IReadOnlyList<int> PromptList => Enumerable.Range(0, Options.Prompts).ToArray();

    /// <summary>Metrics of the prior itself (its win rate is ½ by symmetry).</summary>
    public ToyMetrics PriorMetrics { get; }

    /// <summary>Metrics of the exact target π* (forward and reverse KL 0).</summary>
    public ToyMetrics TargetMetrics { get; }

    /// <summary>A trainable policy initialised at the prior.</summary>
    public TokenSequenceModel NewPolicy()
    {
        var q = Prior.Clone();
        return q;
    }

    /// <summary>Exact metrics of <paramref name="policy"/>.</summary>
    public ToyMetrics Evaluate(TokenSequenceModel policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (xs, ys) = Everything();
        return EvaluateLogProbs(policy.SequenceLogProb(xs, ys).view(Options.Prompts, -1));
    }

    /// <summary>
    /// The total variance (sum over parameter coordinates) of one minibatch gradient of
    /// <paramref name="estimator"/> at <paramref name="policy"/>, with one group of n samples per prompt
    /// drawn from <paramref name="proposal"/>, from <paramref name="repetitions"/> independent minibatches (in pairs:
    /// <see cref="Ppl.Inference.Amortized.Brain.GradientVariance"/>). DPG and GDC++ get the exact log Z.
    /// </summary>
    public double GradientVariance(TokenSequenceModel policy, IConditionalModel<int, int[]> proposal, DistillationOptions estimator,
        int samplesPerPrompt, int repetitions, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(estimator);
        var logZ = LogNormalizer.data<double>().ToArray();
        return Ppl.Inference.Amortized.Brain.GradientVariance.Estimate(Target, policy, proposal, PromptList, estimator, samplesPerPrompt,
            Math.Max(1, repetitions / 2), rng, x => logZ[x]).Total;
    }

    private (Tensor Prompts, Tensor Tokens) Everything()
    {
        var s = AllSequences.shape[0];
        var xs = TensorArithmetic.Arange(Options.Prompts, ScalarType.Int64).repeat_interleave(s);
        var ys = AllSequences.repeat(Options.Prompts, 1);
        return (xs, ys);
    }

    private ToyMetrics EvaluateLogProbs(Tensor logQ)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var target = LogTarget;
        var forward = (target.exp() * (target - logQ)).sum(1).mean().item<double>();
        var reverse = (logQ.exp() * (logQ - target)).sum(1).mean().item<double>();
        var (xs, ys) = Everything();
        var logP = Prior.SequenceLogProb(xs, ys).view(Options.Prompts, -1);
        var q = logQ.exp().data<double>().ToArray();
        var p = logP.exp().data<double>().ToArray();
        var s = (int)AllSequences.shape[0];
        double reward = 0, win = 0;
        for (var x = 0; x < Options.Prompts; x++)
        {
            // Distributions of r* under q and under the prior, by value (r* takes few values).
            var byValue = new SortedDictionary<long, (double Q, double P)>();
            for (var i = 0; i < s; i++)
            {
                var key = (long)Math.Round(_trueReward[x, i] * 1e6);
                var (a, b) = byValue.TryGetValue(key, out var e) ? e : (0.0, 0.0);
                byValue[key] = (a + q[x * s + i], b + p[x * s + i]);
                reward += q[x * s + i] * _trueReward[x, i];
            }
            double below = 0;
            foreach (var (_, (qa, pa)) in byValue)
            {
                win += qa * (below + 0.5 * pa);
                below += pa;
            }
        }
        return new ToyMetrics(forward, reverse, reward / Options.Prompts, win / Options.Prompts);
    }
}
