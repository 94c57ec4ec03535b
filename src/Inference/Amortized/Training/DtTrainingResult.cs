namespace Ppl.Inference.Amortized.Training;

/// <summary>The outcome of training.</summary>
/// <param name="Steps">Steps taken in this call.</param>
/// <param name="FinalLoss">The mean total loss over the last 5% of steps (at least one).</param>
/// <param name="FinalPosteriorNll">The mean posterior NLL over the same steps.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="Losses">The total loss of every step.</param>
public sealed record DtTrainingResult(int Steps, double FinalLoss, double FinalPosteriorNll, double Seconds, IReadOnlyList<double> Losses);
