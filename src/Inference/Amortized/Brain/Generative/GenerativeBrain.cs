using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain.Generative;

/// <summary>
/// BRAIn (and every member of its estimator family: DPG, GDC++, DPO-sft, RWS q-wake, KL-regularised REINFORCE) as
/// inference over traced programs: the policy q_θ(y | x) is a generative function with <c>Param</c>s, the target
/// p(y | x) · ℓ(x, y) is a generative function that makes the prior's choices and scores the reward with
/// <c>Factor</c>. Both are <c>[Model]</c> methods in the usual case.
/// </summary>
public static class GenerativeBrain
{
    /// <summary>
    /// Trains <paramref name="policy"/>'s parameters (in its <see cref="ParameterStore"/>, in place) towards
    /// <paramref name="target"/> over <paramref name="prompts"/> with <see cref="BrainTrainer"/>: proposal draws
    /// from the prior (the target run ancestrally) or from a snapshot of the policy, stored scores log p, log q′ and
    /// log ℓ, and one Adam step per minibatch on the estimator <see cref="BrainTrainingOptions.Objective"/>.
    /// </summary>
    /// <param name="policy">q_θ(y | x): its choices are the output y, its <c>Param</c>s are θ; no factors or observations.</param>
    /// <param name="target">The prior's choices (at <paramref name="priorAddress"/>), then the reward's <c>Factor</c>.</param>
    /// <param name="prompts">The training prompts x (the policy is run once at each to create its parameters).</param>
    /// <param name="options">Estimator, samples per prompt, steps, proposal, learning rate, seed, checkpoints.</param>
    /// <param name="run">Progress and cancellation.</param>
    /// <param name="priorAddress">Where the prior's choices sit in the target's trace (null: at its root).</param>
    /// <param name="device">Where the policy's parameters live during training (null: where their <c>Param</c> inits put them); see <see cref="GenerativeFamily{TX, TRet}"/>.</param>
    /// <param name="dtype">The policy's parameters' floating dtype (null: as created).</param>
    public static BrainTrainingResult Distill<TX, TPolicy, TTarget>(IGenerativeFunction<TX, TPolicy> policy, IGenerativeFunction<TX, TTarget> target,
        IReadOnlyList<TX> prompts, BrainTrainingOptions? options = null, RunOptions? run = null, Address? priorAddress = null,
        Device? device = null, ScalarType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(prompts);
        if (prompts.Count == 0) throw new ArgumentException("No prompts to train on.", nameof(prompts));
        var family = new GenerativeFamily<TX, TPolicy>(policy, prompts, device, dtype);
        var goal = new GenerativeTarget<TX, TTarget>(target, priorAddress);
        return BrainTrainer.Train(goal.ToDistillationTarget(), family, prompts, options, run);
    }
}
