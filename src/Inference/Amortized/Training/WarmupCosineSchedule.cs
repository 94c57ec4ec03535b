namespace Ppl.Inference.Amortized.Training;

/// <summary>Linear warm-up from 0 to the peak rate, then cosine decay to <see cref="FinalFraction"/> of it at the last step.</summary>
/// <param name="PeakRate">The learning rate after warm-up.</param>
/// <param name="WarmupSteps">Steps of linear warm-up.</param>
/// <param name="TotalSteps">All steps.</param>
/// <param name="FinalFraction">The final rate as a fraction of the peak.</param>
public sealed record WarmupCosineSchedule(double PeakRate, int WarmupSteps, int TotalSteps, double FinalFraction = 0.0)
{
    /// <summary>The learning rate at step <paramref name="step"/> (0-based).</summary>
    public double Rate(int step)
    {
        if (step < WarmupSteps) return PeakRate * (step + 1) / WarmupSteps;
        var span = Math.Max(1, TotalSteps - WarmupSteps);
        var t = Math.Clamp((double)(step - WarmupSteps) / span, 0, 1);
        return PeakRate * (FinalFraction + (1 - FinalFraction) * 0.5 * (1 + Math.Cos(Math.PI * t)));
    }
}
