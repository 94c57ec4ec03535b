namespace Ppl.Inference.Smc;

/// <summary>
/// The return value of a <see cref="PausingModel{TArgs, TRet}"/> run: whether the model ran to its end
/// (then <see cref="Return"/> is its return value) or stopped at a pause.
/// </summary>
/// <param name="Finished">True when the model's body returned.</param>
/// <param name="Return">The model's return value when finished; default otherwise.</param>
/// <param name="ScorePoints">How many Observe/Factor effects the run executed.</param>
public readonly record struct Paused<TRet>(bool Finished, TRet? Return, int ScorePoints);
