using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// The amortized family q_θ(y | x) that distillation trains: a conditional model with trainable
/// parameters. It need not put its densities on an autograd tape; it only has to add
/// ∇θ Σ w_i log q_θ(y_i | x_i) to its parameters' gradients (so a generative function, whose gradients
/// come from its own interface, qualifies as well as a TorchSharp network).
/// </summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TY">The output type.</typeparam>
public interface IAmortizedFamily<TX, TY> : IConditionalModel<TX, TY>
{
    /// <summary>The trainable parameters, in a fixed order (checkpoints rely on it).</summary>
    IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>Adds ∇θ Σ_{b,i} w_{b,i} log q_θ(y_{b,i} | x_b) to the gradients of <see cref="Parameters"/>; <paramref name="weights"/> is [B, n].</summary>
    void AccumulateGradients(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs, Tensor weights);

    /// <summary>A frozen copy of the current q_θ, used as the proposal until the next refresh.</summary>
    IConditionalModel<TX, TY> Snapshot();
}
