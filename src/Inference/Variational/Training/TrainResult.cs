namespace Ppl.Inference.Variational;

/// <summary>What a <see cref="Trainer"/> run did: the objective's estimate at every step (before that step's update).</summary>
public sealed record TrainResult(IReadOnlyList<double> Estimates)
{
    /// <summary>The mean of the last <paramref name="window"/> estimates (a smoothed final value).</summary>
    public double Final(int window = 100)
    {
        if (Estimates.Count == 0) return double.NaN;
        var w = Math.Min(window, Estimates.Count);
        return Estimates.Skip(Estimates.Count - w).Average();
    }
}
