using static TorchSharp.torch;

namespace Ppl.Inference.Variational;

/// <summary>Small tensor helpers the objectives share.</summary>
public static class ViMath
{
    /// <summary>log((1/n) Σ exp(xᵢ)) over a list of per-particle tensors, stably.</summary>
    public static Tensor LogMeanExp(IReadOnlyList<Tensor> logWeights)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        if (logWeights.Count == 0) throw new ArgumentException("Need at least one log weight.", nameof(logWeights));
        if (logWeights.Count == 1) return logWeights[0];
        var stacked = stack(broadcast_tensors(logWeights.ToArray()), 0);
        return stacked.logsumexp(0).Minus(Math.Log(logWeights.Count));
    }

    /// <summary>Self-normalised weights softmax(xᵢ) over a list of per-particle log weights, stacked on dimension 0.</summary>
    public static Tensor Normalise(IReadOnlyList<Tensor> logWeights)
    {
        ArgumentNullException.ThrowIfNull(logWeights);
        return stack(broadcast_tensors(logWeights.ToArray()), 0).softmax(0);
    }

    /// <summary>The same choice map with every tensor detached from the autograd graph.</summary>
    public static ChoiceMap Detach(ChoiceMap choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        var result = ChoiceMap.Empty;
        foreach (var (a, v) in choices.Leaves) result = result.Set(a, v is Tensor t ? t.detach() : v);
        return result;
    }

    /// <summary>The choices of <paramref name="choices"/> whose addresses <paramref name="selection"/> contains.</summary>
    public static ChoiceMap Restrict(ChoiceMap choices, Selection selection)
    {
        ArgumentNullException.ThrowIfNull(choices);
        ArgumentNullException.ThrowIfNull(selection);
        var result = ChoiceMap.Empty;
        foreach (var (a, v) in choices.Leaves)
            if (selection.Contains(a)) result = result.Set(a, v);
        return result;
    }
}
