using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The offline distillation loop of papers.md 4.4: per round, draw groups of n samples from the
/// proposal (the prior, or a frozen snapshot of q_θ refreshed each round) and store their prior,
/// proposal and reward scores; then take one Adam step per minibatch of groups on the chosen estimator.
/// Reports progress, stops on cancellation, and checkpoints at round boundaries so that a resumed run
/// continues exactly as the uninterrupted one would.
/// </summary>
public static class BrainTrainer
{
    /// <summary>Trains <paramref name="family"/> towards <paramref name="target"/> over <paramref name="prompts"/>.</summary>
    public static BrainTrainingResult Train<TX, TY>(DistillationTarget<TX, TY> target, IAmortizedFamily<TX, TY> family,
        IReadOnlyList<TX> prompts, BrainTrainingOptions? options = null, RunOptions? run = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(prompts);
        options ??= new BrainTrainingOptions();
        run ??= RunOptions.Default;
        options.Validate();
        if (prompts.Count == 0) throw new ArgumentException("No prompts to train on.", nameof(prompts));

        using var adam = new Optimization.AdamWOptimizer(family.Parameters, options.LearningRate);
        var normalizers = new Dictionary<int, (double LogSum, long Count)>();
        var step = 0;
        if (options.Resume && options.CheckpointPath is not null && File.Exists(options.CheckpointPath))
            (step, normalizers) = BrainCheckpoint.Load(options.CheckpointPath, family.Parameters, adam);
        var resumedFrom = step;
        var losses = new List<double>();
        var reportEvery = Math.Max(1, options.Steps / 100);

        while (step < options.Steps)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            var round = step / options.RefreshEvery;
            var stepsThisRound = Math.Min(options.RefreshEvery - step % options.RefreshEvery, options.Steps - step);
            var rng = RoundRng(options.Seed, round);
            var proposal = options.Proposal == ProposalSource.Prior ? target.Prior : family.Snapshot();
            var groups = stepsThisRound * options.GroupsPerStep;
            var indices = BalancedPrompts(prompts.Count, groups, rng);
            using var store = SampleStore<TX, TY>.Generate(target, proposal, indices.Select(i => prompts[i]).ToArray(), indices,
                options.SamplesPerPrompt, rng);
            if (proposal is IDisposable d && !ReferenceEquals(proposal, target.Prior)) d.Dispose();
            Tensor? logZ = options.Objective.NeedsLogNormalizer ? Normalizers(store, options, normalizers) : null;

            for (var s = 0; s < stepsThisRound; s++)
            {
                run.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var (ps, ys, batch) = store.Slice(s * options.GroupsPerStep, options.GroupsPerStep);
                if (logZ is not null) batch = batch with { LogNormalizer = logZ.narrow(0, s * options.GroupsPerStep, options.GroupsPerStep) };
                var logQ = family.LogProb(ps, ys);
                var weights = DistillationObjective.LossWeights(batch, logQ, options.Objective);
                var loss = DistillationObjective.Loss(batch, logQ, options.Objective).item<double>();
                adam.ZeroGradients();
                family.AccumulateGradients(ps, ys, weights);
                foreach (var p in family.Parameters)
                    if (p.grad is not null && !isfinite(p.grad).all().item<bool>())
                        throw new InferenceException($"Step {step + 1}: a gradient of the family is not finite (loss {loss}); lower the learning rate or check the stored scores.");
                adam.Step();
                step++;
                losses.Add(loss);
                if (options.OnStep is not null)
                    options.OnStep(new BrainStepInfo(step, loss, DistillationObjective.EffectiveSampleSize(batch).mean().item<double>()));
                if (step % reportEvery == 0 || step == options.Steps) run.Progress?.Report(new Progress(step, options.Steps));
            }
            logZ?.Dispose();
            var roundsDone = step / options.RefreshEvery;
            if (options.CheckpointPath is not null && (step == options.Steps || (step % options.RefreshEvery == 0 && roundsDone % options.CheckpointEveryRounds == 0)))
                BrainCheckpoint.Save(options.CheckpointPath, step, family.Parameters, adam, normalizers);
        }
        return new BrainTrainingResult(step, losses, resumedFrom);
    }

    /// <summary>The stream of round <paramref name="round"/>: a function of the seed and the round only.</summary>
    private static Rng RoundRng(ulong seed, int round) =>
        new(unchecked(seed * 0x9E3779B97F4A7C15UL + (ulong)(round + 1) * 0xBF58476D1CE4E5B9UL));

    /// <summary>Each prompt equally often (up to one), in random order.</summary>
    private static int[] BalancedPrompts(int promptCount, int groups, Rng rng)
    {
        var result = new int[groups];
        var order = Enumerable.Range(0, promptCount).ToArray();
        for (var g = 0; g < groups; g++)
        {
            if (g % promptCount == 0) rng.Shuffle(order);
            result[g] = order[g % promptCount];
        }
        rng.Shuffle(result);
        return result;
    }

    /// <summary>
    /// log Z per group: the supplied function, or the running estimate log mean α over every sample
    /// seen for that prompt (unbiased for Z whatever proposal drew each round).
    /// </summary>
    private static Tensor Normalizers<TX, TY>(SampleStore<TX, TY> store, BrainTrainingOptions options, Dictionary<int, (double LogSum, long Count)> running)
    {
        var values = new double[store.Groups];
        if (options.LogNormalizer is not null)
        {
            for (var g = 0; g < store.Groups; g++) values[g] = options.LogNormalizer(store.PromptIndices[g]);
        }
        else
        {
            using var scope = NewDisposeScope();
            var logA = (store.LogPrior.Plus(store.LogGoodness) - store.LogProposal).logsumexp(1).data<double>().ToArray();
            for (var g = 0; g < store.Groups; g++)
            {
                var k = store.PromptIndices[g];
                var (s, c) = running.TryGetValue(k, out var e) ? e : (double.NegativeInfinity, 0L);
                running[k] = (LogAdd(s, logA[g]), c + store.SamplesPerPrompt);
            }
            for (var g = 0; g < store.Groups; g++)
            {
                var (s, c) = running[store.PromptIndices[g]];
                values[g] = s - Math.Log(c);
            }
        }
        return tensor(values).DetachFromDisposeScope();
    }

    private static double LogAdd(double a, double b)
    {
        if (double.IsNegativeInfinity(a)) return b;
        if (double.IsNegativeInfinity(b)) return a;
        var m = Math.Max(a, b);
        return m + Math.Log(Math.Exp(a - m) + Math.Exp(b - m));
    }
}
