using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// Maximises an objective by stochastic gradient ascent on its surrogate with a TorchSharp optimiser.
/// Each step runs in its own dispose scope, so step temporaries are freed at once.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains the parameters of <paramref name="stores"/> (created lazily by <c>t.Param</c>: one estimate
    /// is made first, outside any step, to create them) and <paramref name="extra"/> tensors (TorchSharp
    /// modules' parameters, learned baselines).
    /// </summary>
    public static TrainResult Maximize(Expectation objective, IReadOnlyList<ParameterStore> stores, TrainOptions options, Rng rng,
        IReadOnlyList<Tensor>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(stores);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        // Materialise lazily created parameters outside a dispose scope so that they outlive the steps.
        objective.Value(rng.Split(), 1, options.Device, options.DType);
        var parameters = stores.SelectMany(s => s.All.Values).Concat(extra ?? []).Distinct().ToList();
        if (parameters.Count == 0) throw new ArgumentException("Nothing to train: the stores are empty and no extra tensors were given.");
        var optimizer = new AscentOptimizer(parameters, options.Optimizer, options.LearningRate);
        var estimates = new List<double>(options.Steps);
        var reportEvery = Math.Max(1, options.Steps / 100);
        for (var step = 0; step < options.Steps; step++)
        {
            options.Run.Cancellation.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                optimizer.ZeroGrad();
                var est = objective.Estimate(rng, options.Particles, options.Device, options.DType);
                (-est.Surrogate).backward();
                optimizer.Step();
                estimates.Add(est.Value);
            }
            if (options.CheckpointEvery > 0 && options.CheckpointPath is { } path && (step + 1) % options.CheckpointEvery == 0)
                Checkpoint.Save(path, stores, extra);
            if ((step + 1) % reportEvery == 0 || step + 1 == options.Steps)
                options.Run.Progress?.Report(new Progress(step + 1, options.Steps));
        }
        return new(estimates);
    }
}
