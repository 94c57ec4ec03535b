using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Brain;

/// <summary>
/// Base class for families whose log densities are TorchSharp expressions of their parameters:
/// implement <see cref="LogProbWithGradient"/> once, and scoring without gradient and gradient
/// accumulation follow from it.
/// </summary>
/// <typeparam name="TX">The prompt type.</typeparam>
/// <typeparam name="TY">The output type.</typeparam>
public abstract class TensorAmortizedFamily<TX, TY> : IAmortizedFamily<TX, TY>
{
    /// <inheritdoc />
    public abstract IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>log q_θ(y_{b,i} | x_b) as [B, n], differentiable with respect to <see cref="Parameters"/>.</summary>
    public abstract Tensor LogProbWithGradient(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs);

    /// <inheritdoc />
    public abstract TY[] Sample(IReadOnlyList<TX> prompts, int samplesPerPrompt, Rng rng);

    /// <inheritdoc />
    public abstract IConditionalModel<TX, TY> Snapshot();

    /// <inheritdoc />
    public Tensor LogProb(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs)
    {
        using var _ = no_grad();
        return LogProbWithGradient(prompts, outputs).detach();
    }

    /// <inheritdoc />
    public void AccumulateGradients(IReadOnlyList<TX> prompts, IReadOnlyList<TY> outputs, Tensor weights)
    {
        using var scope = NewDisposeScope();
        (weights.detach() * LogProbWithGradient(prompts, outputs)).sum().backward();
    }

    /// <summary>Checks that outputs split evenly over prompts and returns n.</summary>
    protected static int SamplesPerPrompt(int prompts, int outputs)
    {
        if (prompts == 0 || outputs % prompts != 0)
            throw new ArgumentException($"{outputs} outputs do not split evenly over {prompts} prompts.");
        return outputs / prompts;
    }
}
