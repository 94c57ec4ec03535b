using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>A reward r(x, y) scored in batches (outputs flattened prompt-major, as in <see cref="IConditionalModel{TX, TY}"/>).</summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TY">The output type.</typeparam>
public interface IRewardModel<TX, TY>
{
    /// <summary>r(x_b, y_{b,i}) as [B, n] float64, differentiable with respect to <see cref="Parameters"/> when it has any.</summary>
    Tensor Score(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs);

    /// <summary>Trainable parameters (empty for a fixed reward).</summary>
    IReadOnlyList<Tensor> Parameters { get; }
}
