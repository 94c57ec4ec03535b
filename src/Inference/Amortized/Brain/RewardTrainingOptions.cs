namespace Ppl.Inference.Amortized.Brain;

/// <summary>Settings of <see cref="RewardModelTrainer"/>.</summary>
public sealed record RewardTrainingOptions
{
    /// <summary>Passes over the preference pairs.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Pairs per gradient step.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Adam step size.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>L2 penalty on the parameters: Bradley–Terry rewards are only identified up to a shift, and separable data would push them to infinity.</summary>
    public double L2 { get; init; } = 1e-4;

    /// <summary>Seed of the shuffling.</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary>What reward training achieved.</summary>
/// <param name="FinalLoss">Mean Bradley–Terry loss over all pairs after training.</param>
/// <param name="Accuracy">Fraction of pairs whose preferred output gets the higher reward.</param>
public sealed record RewardTrainingResult(double FinalLoss, double Accuracy);
