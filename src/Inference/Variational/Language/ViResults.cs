using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>The result of <see cref="ViContext.Sim{TArgs,TRet}"/>: the choices, their differentiable log density and the return value.</summary>
public sealed record ViSim<TRet>(ChoiceMap Choices, Tensor LogDensity, TRet Return);

/// <summary>The result of <see cref="ViContext.Generate{TArgs,TRet}"/>: the choices, log p of all of them, the importance weight and the return value.</summary>
public sealed record ViGenerate<TRet>(ChoiceMap Choices, Tensor Score, Tensor Weight, TRet Return);

/// <summary>The result of <see cref="ViContext.Dream{TArgs,TRet}"/>: latent choices and observations drawn from the model.</summary>
public sealed record ViDream<TRet>(ChoiceMap Latents, ChoiceMap Observations, TRet Return);

/// <summary>
/// One estimate of an objective. <see cref="Surrogate"/> is a 0-d tensor whose value is the estimate and
/// whose gradient (by <c>backward()</c>) is the unbiased gradient estimate of the expected value.
/// </summary>
public sealed record ObjectiveEstimate(Tensor Surrogate)
{
    /// <summary>The estimate's value.</summary>
    public double Value
    {
        get
        {
            using var value = Surrogate.detach();
            return Ppl.Distributions.Tensors.TensorChecks.Item(value);
        }
    }
}
