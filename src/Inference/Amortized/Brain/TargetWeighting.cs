namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// How the "target" half of a distillation gradient weights the n samples of one prompt. With
/// α_i = p(y_i | x) ℓ(x, y_i) / q′(y_i | x) the importance weight of sample i towards the target
/// (papers.md 4.2), the gradient ascent direction is Σ_i (t_i − b_i) ∇θ log q_θ(y_i | x), where t comes
/// from this choice and b from <see cref="BaselineKind"/>.
/// </summary>
public enum TargetWeighting
{
    /// <summary>t = α̂ = α / Σ α (BRAIn, RWS q-wake): needs no normaliser, biased at finite n.</summary>
    SelfNormalized,

    /// <summary>t = α / (n Z) with a supplied or estimated log Z (DPG, GDC++): unbiased when Z is exact.</summary>
    Normalized,

    /// <summary>
    /// t = one-hot on the sample with the largest α (DPO on prior samples when n = 2); tied maxima share
    /// the weight equally, so a tie carries no preference instead of an arbitrary one.
    /// </summary>
    Argmax,

    /// <summary>
    /// t = (1/n) log[p ℓ / q_θ] (on-policy, KL-regularised REINFORCE): the score-function gradient of
    /// the reverse KL, valid only when the proposal is the current policy.
    /// </summary>
    LogRatio,
}
