using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Training;

/// <summary>Settings of amortized training (defaults: the CPU target of papers.md 3.8).</summary>
public sealed record DtTrainingOptions
{
    /// <summary>Optimiser steps; each draws a fresh batch.</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>Simulations per step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Peak learning rate of AdamW.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>AdamW's decoupled weight decay (0 in the paper).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Whether the loss includes the prior-reconstruction NLL (needed for sequential use).</summary>
    public bool UsePriorLoss { get; init; } = true;

    /// <summary>Elementwise clamp of the gradients.</summary>
    public double GradientClamp { get; init; } = 1e4;

    /// <summary>Where to write checkpoints (weights; the step in a .state file beside them); null for none.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Steps between checkpoints.</summary>
    public int CheckpointEvery { get; init; } = 500;

    /// <summary>Whether to resume from <see cref="CheckpointPath"/> when it exists.</summary>
    public bool Resume { get; init; }

    /// <summary>
    /// Where to train: the network is moved there before the first step and every batch is moved there (each tensor in
    /// its own dtype); null keeps the network where it is.
    /// </summary>
    public Device? Device { get; init; }

    /// <summary>The network's floating dtype during training (it is converted before the first step); null keeps its own.</summary>
    public ScalarType? DType { get; init; }
}
