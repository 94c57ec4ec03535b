namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The target of distillation: p(y | x, G = 1) ∝ p(y | x) · ℓ(r(x, y)), a base program (the prior)
/// times a goodness factor computed from a reward (papers.md 4.1).
/// </summary>
/// <param name="Prior">The base program p(y | x) (e.g. the SFT model).</param>
/// <param name="Reward">The reward r(x, y), typically fitted with <see cref="RewardModelTrainer"/>.</param>
/// <param name="Goodness">How the reward becomes a likelihood ℓ.</param>
public sealed record DistillationTarget<TX, TY>(IConditionalModel<TX, TY> Prior, IRewardModel<TX, TY> Reward, IGoodness Goodness);
