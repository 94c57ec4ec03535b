using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// A conditional distribution over outputs y given a prompt x that can be sampled and scored in
/// batches: the prior p(y | x), a proposal q′(y | x), or a frozen snapshot of a policy. Outputs of a
/// batch are flattened prompt-major: output b·n + i is the i-th of n outputs for prompt b.
/// </summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TY">The output type.</typeparam>
public interface IConditionalModel<TX, TY>
{
    /// <summary><paramref name="samplesPerPrompt"/> independent outputs for each prompt, flattened prompt-major.</summary>
    TY[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng);

    /// <summary>
    /// log p(y_{b,i} | x_b) as a [B, n] float64 tensor with no gradient, n = outputs.Count / prompts.Count.
    /// </summary>
    Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs);
}
