namespace Ppl.Inference.Amortized.Brain;

/// <summary>One human (or synthetic) judgement: for <paramref name="Prompt"/>, <paramref name="Preferred"/> was preferred to <paramref name="Rejected"/>.</summary>
/// <param name="Prompt">The prompt.</param>
/// <param name="Preferred">The winning output.</param>
/// <param name="Rejected">The losing output.</param>
public sealed record PreferencePair<TX, TY>(TX Prompt, TY Preferred, TY Rejected);
