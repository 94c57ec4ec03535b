using Ppl.Distributions.Tensors;
using Ppl.Inference.Amortized.Exact;
using static TorchSharp.torch;

namespace Ppl.Inference.Amortized.Operators;

/// <summary>The exact conjugate update of an inverse-gamma prior on a variance by zero-mean normal observations.</summary>
public sealed class InverseGammaOperator : IPosteriorOperator<InverseGamma, Tensor, InverseGamma>
{
    /// <summary>The shared instance (the operator has no state).</summary>
    public static InverseGammaOperator Instance { get; } = new();

    /// <inheritdoc />
    public InverseGamma Update(InverseGamma prior, Tensor observations) => InverseGammaConjugate.Update(prior, observations);
}
