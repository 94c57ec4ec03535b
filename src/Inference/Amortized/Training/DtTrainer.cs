using System.Diagnostics;
using System.Globalization;
using Ppl.Inference.Amortized.Transformer;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>
/// Amortized training by simulation: every step draws a fresh batch (φ, x, z) from the meta-model (so
/// there is no fixed data set to overfit), evaluates the posterior NLL plus (optionally) the
/// prior-reconstruction NLL, and takes an AdamW step with warm-up and cosine decay. Reports progress,
/// honours cancellation, and writes checkpoints it can resume from (weights and step; the optimiser's
/// moments restart, which the warm-up absorbs).
/// </summary>
public static class DtTrainer
{
    /// <summary>
    /// Trains <paramref name="model"/> in place, on <see cref="DtTrainingOptions.Device"/> in
    /// <see cref="DtTrainingOptions.DType"/> when they are given (the network stays there afterwards), else where it is.
    /// </summary>
    public static DtTrainingResult Train(DistributionTransformer model, IMetaModel metaModel, DtTrainingOptions options, Rng rng, RunOptions? run = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metaModel);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(rng);
        run ??= RunOptions.Default;
        if (options.Device is not null || options.DType is not null) model.Move(options.Device ?? model.Device, options.DType ?? model.DType);
        var device = model.Device;
        var start = 0;
        if (options.Resume && options.CheckpointPath is { } resumePath && File.Exists(resumePath) && File.Exists(resumePath + ".state"))
        {
            model.load(resumePath);
            start = int.Parse(File.ReadAllText(resumePath + ".state").Trim(), CultureInfo.InvariantCulture);
        }
        var schedule = new WarmupCosineSchedule(options.LearningRate, options.WarmupSteps, options.Steps);
        // TorchSharp's optim.AdamW makes temporary scalars that the finalizer thread may free mid-call; this is its update, kept alive.
        using var optimizer = new Optimization.AdamWOptimizer(model.parameters(), options.LearningRate, weightDecay: options.WeightDecay);
        var losses = new List<double>();
        var posteriorNlls = new List<double>();
        var watch = Stopwatch.StartNew();
        var report = Math.Max(1, options.Steps / 100);
        model.train();
        for (var step = start; step < options.Steps; step++)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                optimizer.LearningRate = schedule.Rate(step);
                var batch = metaModel.Simulate(options.BatchSize, rng).To(device);
                var output = model.Forward(batch.Prior, batch.Observations);
                var (post, prior) = DtLoss.Compute(output, batch.Latent, model.Transform);
                var loss = options.UsePriorLoss ? post.Plus(prior) : post;
                var value = loss.ToDoubleValue();
                if (!double.IsFinite(value))
                    throw new InferenceException($"The training loss became {value} at step {step}; lower the learning rate or check the meta-model's simulations.");
                optimizer.ZeroGradients();
                loss.backward();
                using (no_grad())
                    foreach (var p in model.parameters())
                        p.grad?.ClampInPlace(-options.GradientClamp, options.GradientClamp);
                optimizer.Step();
                losses.Add(value);
                posteriorNlls.Add(post.ToDoubleValue());
            }
            if (options.CheckpointPath is { } path && ((step + 1) % options.CheckpointEvery == 0 || step + 1 == options.Steps))
            {
                model.Save(path);
                File.WriteAllText(path + ".state", (step + 1).ToString(CultureInfo.InvariantCulture));
            }
            if (run.Progress is { } progress && ((step + 1) % report == 0 || step + 1 == options.Steps))
                progress.Report(new Progress(step + 1, options.Steps));
        }
        model.eval();
        var tail = Math.Max(1, losses.Count / 20);
        return new DtTrainingResult(losses.Count,
            losses.Count == 0 ? double.NaN : losses.TakeLast(tail).Average(),
            posteriorNlls.Count == 0 ? double.NaN : posteriorNlls.TakeLast(tail).Average(),
            watch.Elapsed.TotalSeconds, losses);
    }
}
