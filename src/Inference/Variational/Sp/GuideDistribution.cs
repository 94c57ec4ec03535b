using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>A guide written as a dynamic model (trainable parameters through <c>t.Param</c> or captured modules), with its exact density.</summary>
public sealed class GuideDistribution<TArgs, TRet>(IGenerativeFunction<TArgs, TRet> guide, TArgs args) : ISpDistribution
{
    /// <summary>The guide.</summary>
    public IGenerativeFunction<TArgs, TRet> Guide { get; } = guide ?? throw new ArgumentNullException(nameof(guide));

    /// <summary>Its arguments.</summary>
    public TArgs Args { get; } = args;

    /// <inheritdoc />
    public (ChoiceMap Choices, Tensor LogWeight) RandomWeighted(ViContext vi)
    {
        ArgumentNullException.ThrowIfNull(vi);
        var s = vi.Sim(Guide, Args);
        return (s.Choices, s.LogDensity);
    }

    /// <inheritdoc />
    public Tensor EstimateLogDensity(ViContext vi, ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(vi);
        return vi.Density(Guide, Args, choices);
    }
}
