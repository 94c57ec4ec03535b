using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>
/// A trainable scalar control variate. Each use adds the zero-valued term −((l − b)² − stop_grad((l − b)²))
/// to the surrogate, so maximising the surrogate fits b to the continuation by least squares without
/// changing the objective's value or its gradient in the other parameters. Pass <see cref="Value"/> to the
/// optimiser with the model's parameters.
/// </summary>
public sealed class LearnedBaseline : Baseline
{
    internal LearnedBaseline(double initial, Device? device, ScalarType dtype) => Value = tensor(initial, dtype, device ?? CPU).requires_grad_(true);

    /// <summary>The trainable value (a 0-d tensor, float64 on the CPU unless asked otherwise, that requires gradients).</summary>
    public Tensor Value { get; }

    internal override Tensor Current(Tensor like) => Value.to(like.dtype, like.device);

    internal override Tensor? FittingTerm(Tensor continuation, Tensor baselineValue)
    {
        var sq = (continuation.detach() - baselineValue).Squared().mean();
        return -(sq - sq.detach());
    }

    /// <inheritdoc />
    public override string ToString() => "learned";
}
