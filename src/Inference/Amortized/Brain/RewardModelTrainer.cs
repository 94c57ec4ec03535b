using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>Fits a reward model to preference pairs by minimising the Bradley–Terry loss with Adam.</summary>
public static class RewardModelTrainer
{
    /// <summary>Trains <paramref name="model"/> in place and reports its fit.</summary>
    public static RewardTrainingResult Train<TX, TY>(IRewardModel<TX, TY> model, IReadOnlyList<PreferencePair<TX, TY>> pairs,
        RewardTrainingOptions? options = null, RunOptions? run = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pairs);
        options ??= new RewardTrainingOptions();
        run ??= RunOptions.Default;
        if (pairs.Count == 0) throw new ArgumentException("No preference pairs to train on.", nameof(pairs));
        if (model.Parameters.Count == 0) throw new ArgumentException("The reward model has no trainable parameters.", nameof(model));
        using var adam = new Optimization.AdamWOptimizer(model.Parameters, options.LearningRate);
        var rng = new Rng(options.Seed);
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        var batchesPerEpoch = (pairs.Count + options.BatchSize - 1) / options.BatchSize;
        long done = 0, total = (long)options.Epochs * batchesPerEpoch;
        for (var epoch = 0; epoch < options.Epochs; epoch++)
        {
            rng.Shuffle(order);
            for (var start = 0; start < pairs.Count; start += options.BatchSize)
            {
                run.Cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var batch = order.Skip(start).Take(options.BatchSize).Select(i => pairs[i]).ToArray();
                var (win, lose) = Score(model, batch);
                var loss = BradleyTerryLoss.Compute(win, lose);
                if (options.L2 > 0)
                    foreach (var p in model.Parameters) loss = loss.Plus(p.Squared().sum().Times(options.L2));
                adam.ZeroGradients();
                loss.backward();
                adam.Step();
                if (++done % Math.Max(1, total / 100) == 0) run.Progress?.Report(new Progress(done, total));
            }
        }
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            var (win, lose) = Score(model, pairs.ToArray());
            return new RewardTrainingResult(BradleyTerryLoss.Compute(win, lose).item<double>(), (win > lose).to_type(ScalarType.Float64).mean().item<double>());
        }
    }

    private static (Tensor Win, Tensor Lose) Score<TX, TY>(IRewardModel<TX, TY> model, PreferencePair<TX, TY>[] batch)
    {
        var prompts = batch.Select(p => p.Prompt).ToArray();
        return (model.Score(prompts, batch.Select(p => p.Preferred).ToArray()).flatten(),
                model.Score(prompts, batch.Select(p => p.Rejected).ToArray()).flatten());
    }
}
