namespace Ppl.Inference.Amortized.Language;

/// <summary>Settings of <see cref="LanguageModelTrainer.Fit"/>.</summary>
public sealed record LanguageModelTrainingOptions
{
    /// <summary>Optimiser steps.</summary>
    public int Steps { get; init; } = 2000;

    /// <summary>Windows per step; each window is a random stretch of the context length plus one token.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>The peak AdamW step size; it decays linearly to a tenth of this over the run.</summary>
    public double LearningRate { get; init; } = 3e-3;

    /// <summary>AdamW's decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Seed of the window positions.</summary>
    public ulong Seed { get; init; } = 1;

    internal void Validate()
    {
        if (Steps < 0) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, "Steps cannot be negative.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Need at least one window per step.");
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "The learning rate must be positive.");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "Weight decay cannot be negative.");
    }
}
